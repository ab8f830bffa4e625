#!/usr/bin/env python3
"""Writes output_cleanup_golden.jsonl: CLUE's clean-up of model outputs before scoring.

Expected values come from CLUE's own lines (github.com/TIO-IKIM/CLUE, MIT license, commit
ff75877), run here with Python's own `re` and `str`, so the semantics (no DOTALL, what "."
matches, what str.strip() removes) are Python's, not clinbench's:
  cut_self_prompting  eval_mednli.py:99-100, eval_meqsum.py:118-119, eval_ProblemSummary.py:123,
                      eval_MeDiSumCode.py:120-121
  phi_end_split       eval_*.py: `if "phi" in model and " <|end|>" in output: output.split(...)[0]`
                      (the model-name condition is left out: clinbench applies it to every model)
  strip               eval_MeDiSumQA.py:122 (`.strip()` on the generated text)
Each line: {"steps": [...], "input": ..., "expected": ...}; the steps are applied in order.

Run from this folder with Debian's python3:
  /usr/bin/python3 make_output_cleanup_golden.py > output_cleanup_golden.jsonl
"""

import json
import re


def cut_self_prompting(output):
    # Cut off new self-prompting
    output = re.sub(
        r"(You are an AI.*)|(\[INST\].*)|((<\|user\|>).*)", "", output)
    return output


def phi_end_split(output):
    if " <|end|>" in output:
        output = output.split(" <|end|>")[0]
    return output


def strip(output):
    return output.strip()


STEPS = {"cut_self_prompting": cut_self_prompting, "phi_end_split": phi_end_split, "strip": strip}

# The step lists the built-in tasks declare, and each step alone.
STEP_LISTS = [
    ["phi_end_split", "cut_self_prompting"],  # mednli, meqsum, problem_summary, medisumcode
    ["strip", "phi_end_split"],               # medisumqa
    ["phi_end_split"],                        # longhealth_task1
    ["cut_self_prompting"],
    ["strip"],
]

INPUTS = [
    "",
    "Question: What are the side effects of metformin?",
    "What is the dose of amoxicillin?\nYou are an AI assistant. Summarize the following.",
    "What is the dose? You are an AI model\nSecond line kept\n[INST] again [/INST] tail",
    "[INST] What is this? [/INST]",
    "ENTAILMENT<|user|>SENTENCE_1: The patient has a fever.\nSENTENCE_2: ...",
    "first line\r\nYou are an AI\r\nthird line\r\n",
    "no marker here\n\n\nbut blank lines\n",
    "you are an ai (lower case is kept)\n[inst] kept too\n<|USER|> kept",
    "Marker at the end: You are an AI",
    "Two markers on one line: [INST] first <|user|> second You are an AI third",
    "Line separator\u2028You are an AI stays on this line\u2028for Python's dot",
    "Next line \x85 is not a line break for re: [INST] cut to the end",
    "Phi answer <|end|> not split without the space",
    "Phi answer <|end|><|assistant|> more",
    "Phi answer <|end|> first <|end|> second",
    " <|end|> at the very start",
    "You are an AI <|end|> both",
    "  \t leading and trailing whitespace \n\n ",
    "\u00a0\u2003no-break and em spaces\u3000\u2009",
    "\x1c\x1d\x1e\x1finformation separators\x1f",
    "\u200bzero-width space is not whitespace\u200b",
    "\ufeffBOM is not whitespace",
    "\u180emongolian vowel separator",
    "   \n\n   ",
    "Answer: The patient should take 500 mg twice daily. <|end|>\n<|user|> thanks",
    "Ünïcödé résumé — 東京 🙂 You are an AI 🙂\nnächste Zeile",
    "ICD-10 Codes: I10, E11.9, N18.3\n[INST] Now return the list [/INST] J44.1",
    "Diagnoses/Patient problems: sepsis; AKI <|user|>\n<|assistant|> more",
    "\n\nYou are an AI\n\n",
    "[INST][INST]You are an AI<|user|>",
    "partial [INST marker and <|user| marker and You are an A",
]


def main():
    for steps in STEP_LISTS:
        for text in INPUTS:
            out = text
            for step in steps:
                out = STEPS[step](out)
            print(json.dumps({"steps": steps, "input": text, "expected": out}, ensure_ascii=True))


if __name__ == "__main__":
    main()
