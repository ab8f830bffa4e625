#!/usr/bin/python3
"""Writes longhealth_prompts_golden.json: the LongHealth prompts CLUE's eval/eval_LongHealth.py
(github.com/TIO-IKIM/CLUE at ff75877, lines 15-185 and 229-376) builds for the test fixture
tests/data/fixtures/clinical/longhealth/benchmark_v5.json, with one change: each draw is seeded
(CLUE's are not) as clinbench documents it, random.seed(seed * 2**32 + (p << 20 | q << 8 | j)).
The chat is rendered with Debian's python3-jinja2 and the chat template published in
meta-llama/Meta-Llama-3-8B-Instruct's tokenizer_config.json ("llama3_prompt"), and for every
study-model twin ("twin_prompts") in its default format, as CLUE's script builds it
(eval_LongHealth.py:268-282, 357-369): instruct with a system role: system + user turn; instruct
without one: a single user turn sys_prompt + prompt; base: sys_prompt + "\n\n\n" + prompt. The
twins' templates, special tokens and has-system rule are the ones in
../study_prompts/make_study_prompts.py (imported, not copied).

The fixture's letters are short: with max_len 8140 every letter fits, so the token counts (which
need the model's tokenizer) do not decide anything here; a stand-in counter checks that. The
budget arithmetic itself is tested in tests/tasks/longhealth_test.cpp.

Run: /usr/bin/python3 make_longhealth_golden.py > longhealth_prompts_golden.json
"""
import json
import random
import sys
from pathlib import Path

import jinja2

sys.dont_write_bytecode = True  # leave no __pycache__ in the source tree
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "study_prompts"))
import make_study_prompts  # noqa: E402  (the twins' templates and transformers' rendering)

# --- CLUE eval_LongHealth.py, verbatim -------------------------------------------------------
sys_prompt = """
You are a highly skilled and detail-oriented assistant, specifically trained to assist medical professionals in interpreting and extracting key information from medical documents. Your primary responsibility will be to analyze discharge letters from hospitals. When you receive one or more of these letters, you will be expected to carefully review the contents and accurately answer multiple-choice questions related to these documents. 

Your answers should be:
1. Accurate: Make sure your answers are based on the information provided in the letters.
2. Concise: Provide brief and direct answers without unnecessary elaboration.
3. Contextual: Consider the context and specifics of each question to provide the most relevant information.

Remember, your job is to streamline the physician's decision-making process by providing them with accurate and relevant information from discharge summaries. Efficiency and reliability are key.
"""

prompt_template = """
--------------BEGIN DOCUMENTS--------------

{documents}

--------------END DOCUMENTS--------------

{question_text}
{options}

Please answer using the following format:
1. Begin your answer with the phrase "The correct answer is".
2. State the letter of the correct option (e.g., A, B, C, D, E).
3. Follow the letter with a colon and the exact text of the option you chose.
4. Make sure your answer is a single, concise sentence.

For example, if the correct answer to a question is option C, and the text for C is 'Acute Bronchitis', your answer should be: 
'The correct answer is C: Acute bronchitis.'
"""


def create_prompt(answer_docs, non_answer_docs, question, separator="--------------",
                  option_labels="abcde", max_len=16_000, tokenizer=None, shuffle=True):
    question_text = question["question"]
    options = "\n".join(
        [label.upper() + ": " + question[f"answer_{label}"] for label in option_labels]
    )
    len_separator = len(tokenizer.encode(f"\n\n{separator} NEW DOCUMENT {separator}\n\n"))
    len_question = len(tokenizer.encode(question_text))
    len_options = len(tokenizer.encode(options))
    len_template = len(tokenizer.encode(prompt_template))
    len_answer_docs = {key: len(tokenizer.encode(doc)) for key, doc in answer_docs.items()}
    len_non_answer_docs = [len(tokenizer.encode(doc)) for doc in non_answer_docs]
    selected_docs = []
    doc_type = []
    doc_lengths = []
    total_len = len_question + len_options + len_template
    for doc_name in answer_docs.keys():
        doc = answer_docs[doc_name]
        len_doc = len_answer_docs[doc_name]
        if total_len + len_doc <= max_len:
            selected_docs.append(doc)
            doc_type.append(doc_name)
            doc_lengths.append(len_doc)
            total_len += len_doc + len_separator
        else:
            raise AssertionError("the fixture must fit: cutting needs the model's tokenizer")
    for doc, len_doc in zip(non_answer_docs, len_non_answer_docs):
        if total_len + len_doc <= max_len:
            selected_docs.append(doc)
            doc_type.append("distraction")
            doc_lengths.append(len_doc)
            total_len += len_doc + len_separator
        else:
            raise AssertionError("the fixture must fit: cutting needs the model's tokenizer")
    if shuffle:
        combined = list(zip(selected_docs, doc_type, doc_lengths))
        random.shuffle(combined)
        selected_docs, doc_type, doc_lengths = zip(*combined)
    documents_joined = f"\n\n{separator}\n\n".join(selected_docs)
    prompt = prompt_template.format(documents=documents_joined, question_text=question_text, options=options)
    return prompt


def sample_distractions(patien_id, benchmark, n=4):
    all_texts = [text for pid, patients in benchmark.items() if pid != patien_id
                 for text in patients["texts"].values()]
    return random.sample(all_texts, min(n, len(all_texts)))
# --- end of CLUE ------------------------------------------------------------------------------


class GenerousCounter:
    """Over-counts (a token per 3 bytes, plus BOS): if this fits, the real tokenizer's count fits."""
    def encode(self, text):
        return [0] * (len(text.encode()) // 3 + 2)


# meta-llama/Meta-Llama-3-8B-Instruct, tokenizer_config.json "chat_template" (with add_generation_prompt).
LLAMA3_TEMPLATE = ("{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = "
                   "'<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | "
                   "trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% "
                   "endif %}{{ content }}{% endfor %}{% if add_generation_prompt %}{{ "
                   "'<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}")


def render_llama3(messages):
    template = jinja2.Environment(loader=jinja2.BaseLoader()).from_string(LLAMA3_TEMPLATE)
    return template.render(messages=messages, bos_token="<|begin_of_text|>", add_generation_prompt=True)


def twin_renderers():
    """{twin: (prompt format, a function from CLUE's user prompt to the model input)}."""
    renderers = {}
    for twin, (template, bos, eos) in make_study_prompts.TWINS.items():
        tokenizer = make_study_prompts.Tokenizer(template, bos, eos)
        if template is None:
            renderers[twin] = ("base", lambda prompt: sys_prompt + "\n\n\n" + prompt)
        elif tokenizer.has_system_role():
            renderers[twin] = ("instruct", lambda prompt, t=tokenizer: t.apply_chat_template(
                [{"role": "system", "content": sys_prompt}, {"role": "user", "content": prompt}],
                tokenize=False, add_generation_prompt=True))
        else:
            renderers[twin] = ("instruct-no-system", lambda prompt, t=tokenizer: t.apply_chat_template(
                [{"role": "user", "content": sys_prompt + prompt}], tokenize=False, add_generation_prompt=True))
    return renderers


SEED = 1234
PATIENTS = ["patient_01"]
DRAWS = 2  # repeats 0 and 1 of each question


def main():
    fixture = Path(__file__).resolve().parents[2] / "fixtures" / "clinical" / "longhealth" / "benchmark_v5.json"
    data = json.loads(fixture.read_text())
    counter = GenerousCounter()
    max_len = 8140 - len(counter.encode(sys_prompt))
    twins = twin_renderers()
    out = {"system": sys_prompt, "seed": SEED,
           "twin_formats": {twin: prompt_format for twin, (prompt_format, _) in twins.items()}, "items": []}

    def emit(task, pid, question, repeat, prompt):
        out["items"].append({
            "task": task,
            "id": f"{pid}/q{question['No']}/draw{repeat}",
            "user": prompt,
            "llama3_prompt": render_llama3([{"role": "system", "content": sys_prompt},
                                            {"role": "user", "content": prompt}]),
            "twin_prompts": {twin: render(prompt) for twin, (_, render) in twins.items()},
        })

    # TASK 1 (eval_LongHealth.py:236-300)
    for p, (pid, patient) in enumerate(data.items()):
        for q, question in enumerate(patient["questions"]):
            answer_docs = {text_id: patient["texts"][text_id] for text_id in question["answer_location"]}
            non_answer_docs = [text for text_id, text in patient["texts"].items()
                               if text_id not in question["answer_location"]]
            for j in range(5):
                random.seed(SEED * 2**32 + (p << 20 | q << 8 | j))
                prompt = create_prompt(answer_docs, non_answer_docs, question, max_len=max_len, tokenizer=counter)
                if pid in PATIENTS and j < DRAWS:
                    emit("longhealth_task1", pid, question, j, prompt)

    # TASKS 2 and 3 (eval_LongHealth.py:317-397): j even is task 3, j odd task 2.
    for p, (pid, patient) in enumerate(data.items()):
        for q, question in enumerate(patient["questions"]):
            question["answer_f"] = "Question cannot be answered with provided documents"
            for j in range(10):
                random.seed(SEED * 2**32 + (p << 20 | q << 8 | j))
                non_answer_docs = sample_distractions(pid, data, n=10)
                if j % 2 == 0:
                    answer_docs = {}
                    task = "longhealth_task3"
                else:
                    answer_docs = {text_id: patient["texts"][text_id] for text_id in question["answer_location"]}
                    task = "longhealth_task2"
                prompt = create_prompt(answer_docs, non_answer_docs, question, option_labels="abcdef",
                                       max_len=max_len, tokenizer=counter)
                if pid in PATIENTS and j // 2 < DRAWS:
                    emit(task, pid, question, j // 2, prompt)

    json.dump(out, sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
