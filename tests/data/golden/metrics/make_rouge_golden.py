#!/usr/bin/env python3
"""Writes rouge_golden.jsonl: ROUGE-1/2/L precision, recall and F-measure for fixed text pairs.

The expected values come from the published algorithm, not from clinbench: the functions below
re-implement Google's rouge_score line for line (Apache-2.0), as released in
github.com/google-research/google-research, folder rouge/ (pip package rouge-score 0.1.2):
  rouge/tokenize.py        tokenize(text, stemmer)          (stemmer=None: no stemming)
  rouge/rouge_scorer.py    RougeScorer.score, _create_ngrams, _score_ngrams, _score_lcs, _lcs_table
  rouge/scoring.py         fmeasure
Only the standard library is used (python3 with no pip packages), so the script runs anywhere.
Note rouge_score's argument order: score(target, prediction).

Run from this folder:  python3 make_rouge_golden.py > rouge_golden.jsonl
"""

import collections
import json
import random
import re


# --- rouge/tokenize.py: tokenize(text, stemmer) with stemmer=None -----------------------------
def tokenize(text, stemmer=None):
    # Convert everything to lowercase.
    text = text.lower()
    # Replace any non-alpha-numeric characters with spaces.
    text = re.sub(r"[^a-z0-9]+", " ", text)

    tokens = re.split(r"\s+", text)
    if stemmer:
        # Only stem words more than 3 characters long.
        tokens = [stemmer.stem(x) if len(x) > 3 else x for x in tokens]

    # One final check to drop any empty or invalid tokens.
    tokens = [x for x in tokens if re.match(r"^[a-z0-9]+$", x)]

    return tokens


# --- rouge/scoring.py ------------------------------------------------------------------------
Score = collections.namedtuple("Score", ["precision", "recall", "fmeasure"])


def fmeasure(precision, recall):
    """Computes f-measure given precision and recall values."""
    if precision + recall > 0:
        return 2 * precision * recall / (precision + recall)
    else:
        return 0.0


# --- rouge/rouge_scorer.py -------------------------------------------------------------------
def _create_ngrams(tokens, n):
    ngrams = collections.Counter()
    for ngram in (tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1)):
        ngrams[ngram] += 1
    return ngrams


def _score_lcs(target_tokens, prediction_tokens):
    if not target_tokens or not prediction_tokens:
        return Score(precision=0, recall=0, fmeasure=0)

    # Compute length of LCS from the bottom up in a table (DP appproach).
    lcs_table = _lcs_table(target_tokens, prediction_tokens)
    lcs_length = lcs_table[-1][-1]

    precision = lcs_length / len(prediction_tokens)
    recall = lcs_length / len(target_tokens)
    f = fmeasure(precision, recall)

    return Score(precision=precision, recall=recall, fmeasure=f)


def _lcs_table(ref, can):
    rows = len(ref)
    cols = len(can)
    lcs_table = [[0] * (cols + 1) for _ in range(rows + 1)]
    for i in range(1, rows + 1):
        for j in range(1, cols + 1):
            if ref[i - 1] == can[j - 1]:
                lcs_table[i][j] = lcs_table[i - 1][j - 1] + 1
            else:
                lcs_table[i][j] = max(lcs_table[i - 1][j], lcs_table[i][j - 1])
    return lcs_table


def _score_ngrams(target_ngrams, prediction_ngrams):
    intersection_ngrams_count = 0
    for ngram in target_ngrams.keys():
        intersection_ngrams_count += min(target_ngrams[ngram],
                                         prediction_ngrams[ngram])
    target_ngrams_count = sum(target_ngrams.values())
    prediction_ngrams_count = sum(prediction_ngrams.values())

    precision = intersection_ngrams_count / max(prediction_ngrams_count, 1)
    recall = intersection_ngrams_count / max(target_ngrams_count, 1)
    f = fmeasure(precision, recall)

    return Score(precision=precision, recall=recall, fmeasure=f)


def score(target, prediction):
    """RougeScorer(['rouge1', 'rouge2', 'rougeL'], use_stemmer=False).score(target, prediction)."""
    target_tokens = tokenize(target)
    prediction_tokens = tokenize(prediction)
    result = {}
    for rouge_type in ["rouge1", "rouge2", "rougeL"]:
        if rouge_type == "rougeL":
            scores = _score_lcs(target_tokens, prediction_tokens)
        else:
            n = int(rouge_type[5:])
            target_ngrams = _create_ngrams(target_tokens, n)
            prediction_ngrams = _create_ngrams(prediction_tokens, n)
            scores = _score_ngrams(target_ngrams, prediction_ngrams)
        result[rouge_type] = scores
    return result


# --- the cases -------------------------------------------------------------------------------
# (name, prediction, reference). The reference is rouge_score's "target".
CASES = [
    ("both empty", "", ""),
    ("empty prediction", "", "What are the side effects of metformin?"),
    ("empty reference", "What are the side effects of metformin?", ""),
    ("whitespace only", " \t\n ", "  "),
    ("punctuation only both", "?!...,;:--", "()[]{}<>"),
    ("punctuation only prediction", "?!?!", "Is aspirin safe?"),
    ("identical", "What is the dosage of ibuprofen for children?",
     "What is the dosage of ibuprofen for children?"),
    ("identical single token", "Diabetes", "diabetes"),
    ("disjoint", "How is gout treated?", "Where can I buy insulin pens"),
    ("single token mismatch", "gout", "insulin"),
    ("mixed case", "The QUICK Brown fOX", "the quick brown fox"),
    ("google docstring example", "The quick brown dog jumps on the log.",
     "The quick brown fox jumps over the lazy dog"),
    ("repeated tokens clipped", "the the the the the the the", "the cat is on the mat"),
    ("repeated bigrams clipped", "of the of the of the of the", "the side effects of the drug of the day"),
    ("repeated token long vs short", " ".join(["pain"] * 100), "pain pain pain"),
    ("numbers", "Take 500 mg twice a day, 2x daily for 10 days",
     "take 500mg 2 x daily for 10 days"),
    ("digits and letters glued", "vitamin b12 and d3 levels", "Vitamin B12 / D3 levels?"),
    ("hyphen and slash", "COVID-19 vaccine side-effects and/or risks", "covid 19 vaccine side effects and or risks"),
    ("apostrophes", "Don't take NSAIDs; it's risky", "do not take nsaids it s risky"),
    ("underscore is a separator", "snake_case_name", "snake case name"),
    ("accents split words", "café naïve résumé", "cafe naive resume"),
    ("accented reference", "fever in infants", "fièvre chez le nourrisson"),
    ("cjk only", "\u75c5\u4eba\u5934\u75db", "\u75c5\u4eba\u5934\u75db"),
    ("cjk mixed with ascii", "MRI \u68c0\u67e5 results", "mri results \u68c0\u67e5"),
    ("emoji separators", "fever\U0001F912cough\U0001F637", "fever cough"),
    ("fullwidth letters are not ascii", "\uff21\uff22\uff23 test", "abc test"),
    ("non-breaking and zero-width spaces", "blood\u00a0pressure\u200bmedication", "blood pressure medication"),
    ("dotted capital I lowers to i plus combining dot", "\u0130stanbul clinic", "i stanbul clinic"),
    ("kelvin sign lowers to ascii k", "\u212aetamine dose", "ketamine dose"),
    ("german sharp s", "Stra\u00dfe Gro\u00df", "strasse gross"),
    ("newlines and tabs", "What\tis\nthe\r\ndose?", "what is the dose"),
    ("prediction is a subsequence", "what dose ibuprofen", "what is the dose of ibuprofen"),
    ("reference is a subsequence", "what is the usual dose of ibuprofen for adults", "dose of ibuprofen"),
    ("reversed order", "d c b a", "a b c d"),
    ("lcs differs from bag overlap", "a b c a b c", "c b a c b a"),
    ("lcs with interleaving", "the patient has a history of diabetes and hypertension",
     "history of hypertension and diabetes in the patient"),
    ("one bigram only", "heart attack", "heart attack symptoms"),
    ("single tokens no bigrams", "asthma", "asthma"),
    ("long texts",
     " ".join("the patient was admitted with chest pain and shortness of breath" .split() * 12),
     " ".join("patient admitted for chest pain shortness of breath and fever" .split() * 15)),
    ("meqsum-like question", "What are the treatments for allergic rhinitis?",
     "What are the treatments for allergies and where can I get them?"),
    ("meqsum-like question 2", "Who manufactures cetirizine?",
     "SUBJECT: who and where to get cetirizine - D\nMESSAGE: I need/want to know who manufscturs Cetirizine."),
    ("trailing and leading punctuation", "...hello world!!!", "hello, world"),
    ("all numbers", "1 2 3 4 5", "5 4 3 2 1"),
]


def random_cases(count, seed):
    """Pairs over a tiny vocabulary so that repeats, partial overlaps and long LCS tables occur."""
    rng = random.Random(seed)
    vocabulary = ["a", "b", "c", "d", "e", "Pain", "pain,", "dose", "mg", "10", "the", "of"]
    cases = []
    for i in range(count):
        prediction = " ".join(rng.choice(vocabulary) for _ in range(rng.randint(0, 40)))
        reference = " ".join(rng.choice(vocabulary) for _ in range(rng.randint(0, 40)))
        cases.append(("random %d" % i, prediction, reference))
    return cases


def main():
    for name, prediction, reference in CASES + random_cases(20, seed=20240613):
        result = score(reference, prediction)
        row = {"name": name, "prediction": prediction, "reference": reference}
        for key in ["rouge1", "rouge2", "rougeL"]:
            s = result[key]
            row[key] = [float(s.precision), float(s.recall), float(s.fmeasure)]
        print(json.dumps(row, ensure_ascii=True))


if __name__ == "__main__":
    main()
