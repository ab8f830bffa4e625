#!/usr/bin/env python3
"""Expected prompts, written from the published conventions, not from clinbench.

medqa (log-likelihood): lm-evaluation-harness medqa_4options, preprocess_medqa.doc_to_text:
    "Question: {question}\nA. {A}\nB. {B}\nC. {C}\nD. {D}\nAnswer:", choices " A".." D",
    shots joined by "\n\n" as doc_to_text(shot) + " " + target.
medqa_gen (chat): the Llama-3 template, system turn, user turn, generation prompt; the template
    writes bos_token (<|begin_of_text|>) before the first turn, as Hugging Face renders it.
Run from this folder: python3 make_prompt_golden.py ../../../../../shared/data
"""
import json
import sys

data_dir = sys.argv[1] if len(sys.argv) > 1 else "../../../../../shared/data"
items = [json.loads(line) for line in open(f"{data_dir}/medqa/US_4_options_test.jsonl", encoding="utf-8")][:3]


def doc_to_text(doc):
    answers = "".join(f"{k}. {v}\n" for k, v in doc["options"].items())
    return f"Question: {doc['question']}\n{answers}Answer:"


with open("medqa_item0_0shot.txt", "w", encoding="utf-8") as out:
    out.write(doc_to_text(items[0]))
with open("medqa_item2_2shot.txt", "w", encoding="utf-8") as out:
    shots = "\n\n".join(doc_to_text(d) + " " + d["answer_idx"] for d in items[:2])
    out.write(shots + "\n\n" + doc_to_text(items[2]))

system = ("You are a medical expert. Answer the multiple-choice question. Begin your answer with "
          "\"The correct answer is\", then the letter of the correct option, a colon and the option's text.")
user = items[0]["question"] + "\n" + "\n".join(f"{k}: {v}" for k, v in items[0]["options"].items())
with open("medqa_gen_item0_llama3.txt", "w", encoding="utf-8") as out:
    out.write("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n" + system.strip() + "<|eot_id|>"
              "<|start_header_id|>user<|end_header_id|>\n\n" + user.strip() + "<|eot_id|>"
              "<|start_header_id|>assistant<|end_header_id|>\n\n")
