#!/usr/bin/env python3
"""Expected prompts of the reference study's tasks on every study-model twin, written from the
published sources, not from clinbench.

What a prompt is, per source:
- The messages: CLUE's eval/utils.py at commit ff75877 (build_first_turn, build_few_shot_examples,
  build_model_input; copied below, unchanged but for comments) with each task's sys_prompt,
  user_prompt_template and assistant_response_template from CLUE's eval/eval_*.py (copied below),
  shots data[:k] and the first item after them. MeDiSumQA shuffles with random.seed(1) (as CLUE);
  its fixture holds two items of the same content, so its prompt does not depend on the shuffle
  (the shuffle itself is tested elsewhere). Its answer prefix is "Answer: ", what CLUE's
  format(answer="") means (CLUE raises KeyError there: the template's key is "Answer").
- The text: transformers' apply_chat_template(chat, tokenize=False, add_generation_prompt=True)
  as of mid-2024: a Jinja2 ImmutableSandboxedEnvironment with trim_blocks and lstrip_blocks, a
  raise_exception global, and the tokenizer's special tokens (bos_token, eos_token) as
  variables; then CLUE appends the answer prefix. A base model (no template) gets CLUE's plain
  text. has_system is decided per twin by rendering a system message: a template that raises on
  it or drops it has no system role (CLUE's --model_has_system off).
- The templates: each model's tokenizer_config.json "chat_template" at the study date, copied
  here independently of clinbench's copy (sources in src/backends/llama/study_models.cpp).
- The `_gen` multiple-choice tasks are clinbench's own (no CLUE counterpart): system + user turn,
  user = question, newline, one "{letter}: {option}" line per option (tasks/*_gen.yaml); PubMedQA's
  user turn is "Abstract: " + its CONTEXTS joined by newlines, "\nQuestion: ", the question, then
  the options (yes, no, maybe), its system text its own; its first item is the first of
  ori_pqal.json that test_ground_truth.json keys.

Run from this folder with Debian's python3-jinja2:
    /usr/bin/python3 make_study_prompts.py ../../fixtures/clinical ../../../../../shared/data
It writes study_prompts.json: {twin: {task: prompt}}.
"""
import csv
import glob
import json
import random
import sys

from jinja2.exceptions import TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment

clinical_fixtures = sys.argv[1] if len(sys.argv) > 1 else "../../fixtures/clinical"
shared_data = sys.argv[2] if len(sys.argv) > 2 else "../../../../../shared/data"
own_data = "data"

# --- templates (tokenizer_config.json "chat_template", mid-2024) ------------------------------
LLAMA3 = ("{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}")
MISTRAL_V01 = ("{{ bos_token }}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}{% if message['role'] == 'user' %}{{ '[INST] ' + message['content'] + ' [/INST]' }}{% elif message['role'] == 'assistant' %}{{ message['content'] + eos_token}}{% else %}{{ raise_exception('Only user and assistant roles are supported!') }}{% endif %}{% endfor %}")
ZEPHYR = ("{% for message in messages %}\n{% if message['role'] == 'user' %}\n{{ '<|user|>\n' + message['content'] + eos_token }}\n{% elif message['role'] == 'system' %}\n{{ '<|system|>\n' + message['content'] + eos_token }}\n{% elif message['role'] == 'assistant' %}\n{{ '<|assistant|>\n'  + message['content'] + eos_token }}\n{% endif %}\n{% if loop.last and add_generation_prompt %}\n{{ '<|assistant|>' }}\n{% endif %}\n{% endfor %}")
PHI3_MINI = ("{{ bos_token }}{% for message in messages %}{% if (message['role'] == 'user') %}{{'<|user|>' + '\n' + message['content'] + '<|end|>' + '\n' + '<|assistant|>' + '\n'}}{% elif (message['role'] == 'assistant') %}{{message['content'] + '<|end|>' + '\n'}}{% endif %}{% endfor %}")

TWINS = {  # name: (template or None, bos_token, eos_token)
    "Meta-Llama-3-8B-Instruct": (LLAMA3, "<|begin_of_text|>", "<|eot_id|>"),
    "Mistral-7B-Instruct-v0.1": (MISTRAL_V01, "<s>", "</s>"),
    "Mistral-7B-v0.1": (None, "<s>", "</s>"),
    "zephyr-7b-beta": (ZEPHYR, "<s>", "</s>"),
    "Mixtral-8x7B-Instruct-v0.1": (MISTRAL_V01, "<s>", "</s>"),
    "Phi-3-mini-128k-instruct": (PHI3_MINI, "<s>", "<|endoftext|>"),
}


def raise_exception(message):
    raise TemplateError(message)


class Tokenizer:
    """The part of a transformers tokenizer CLUE uses: apply_chat_template(tokenize=False)."""

    def __init__(self, template, bos_token, eos_token):
        environment = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)
        environment.globals["raise_exception"] = raise_exception
        self.template = environment.from_string(template) if template else None
        self.special = {"bos_token": bos_token, "eos_token": eos_token}

    def apply_chat_template(self, chat, tokenize=False, add_generation_prompt=False):
        assert not tokenize
        return self.template.render(messages=chat, add_generation_prompt=add_generation_prompt, **self.special)

    def has_system_role(self):
        marker = "system-probe-marker"
        try:
            text = self.apply_chat_template([{"role": "system", "content": marker}, {"role": "user", "content": "Hi"}],
                                            add_generation_prompt=True)
        except TemplateError:
            return False
        return marker in text


# --- CLUE eval/utils.py (ff75877) ------------------------------------------------------------
def build_first_turn(sys_prompt, user_prompt, assistant_response, has_system, is_instruct):
    if is_instruct:
        if has_system:
            chat = [{"role": "system", "content": sys_prompt}]
            if user_prompt and assistant_response:
                chat.extend([{"role": "user", "content": user_prompt},
                    {"role": "assistant", "content": assistant_response}])
        else:
            if user_prompt and assistant_response:
                chat = [{"role" : "user", "content" : f"{sys_prompt}\n\n{user_prompt}"},
                        {"role": "assistant", "content": assistant_response}]
            else:
                chat = [{"role" : "user", "content" : f"{sys_prompt}"}]
    else:
        if user_prompt and assistant_response:
            chat = f"{sys_prompt}\n\n{user_prompt}\n\n{assistant_response}"
    return chat


def build_few_shot_examples(examples, sys_prompt, user_prompt_template, assistant_response_template, has_system, is_instruct):
    for i, example in enumerate(examples):
            user_prompt = user_prompt_template.format(**example)
            assistant_response = assistant_response_template.format(**example)
            if i == 0:
                chat = build_first_turn(sys_prompt, user_prompt, assistant_response, has_system, is_instruct)
            else:
                if is_instruct:
                    chat += [{"role": "user", "content": user_prompt},
                            {"role": "assistant", "content": assistant_response}]

                else:
                    chat += f"\n\n{user_prompt}\n\n{assistant_response}"
    return chat


def build_model_input(example, user_prompt_template, model_is_instruct, few_shot_chat, tokenizer):
    user_prompt = user_prompt_template.format(**example)
    if model_is_instruct:
        chat = [{"role": "user", "content": f"{user_prompt}"}]
        if few_shot_chat:
            chat = few_shot_chat + chat
        model_input = tokenizer.apply_chat_template(
            chat, tokenize=False, add_generation_prompt=True)

    else:
        model_input = f"\n\n{user_prompt}\n\n"
        if few_shot_chat:
            model_input = few_shot_chat + model_input

    return model_input


# --- CLUE's tasks: prompts from eval/eval_*.py (ff75877), data read as each script reads it ---
def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def mednli():
    return dict(
        sys_prompt="""You are a highly skilled assistant, specifically trained to assist medical professionals. You will recieve two sentences, labeled 'SENTENCE_1' and 'SENTENCE_2', respectively. Your task is to determine the logical relation between the two sentences. Valid answers are: ENTAILMENT, NEUTRAL or CONTRADICTION.""",
        user_prompt_template="""
SENTENCE_1: {sentence1}
SENTENCE_2: {sentence2}
""",
        assistant_response_template="""{gold_label}""", prefix="", shots=3,
        data=read_jsonl(f"{clinical_fixtures}/mednli/mli_test_v1.jsonl"))


def meqsum():
    # CLUE reads MeQSum's xlsx with pandas (records with CHQ and Summary); the fixture is its JSONL.
    return dict(
        sys_prompt="You are a highly skilled assistant, specifically trained to assist patients. Your primary responsibility will be to summarize patient inquiries as concise question. You will be given such a patient inquiry. You will be expected to summarize and rewrite the inquiry as a concise question. Only write out the question. Do not add any other text.",
        user_prompt_template="""--------------PATIENT INQUIRY--------------
{CHQ}
--------------END PATIENT INQUIRY--------------""",
        assistant_response_template="Question: " + """{Summary}""", prefix="Question: ", shots=3,
        data=read_jsonl(f"{own_data}/meqsum/meqsum.jsonl"))


def problem_summary():
    with open(f"{clinical_fixtures}/problem_summary/BioNLP2023-1A-Test.csv", newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        headers = next(reader)
        data = [{h: v for h, v in zip(headers, row)} for row in reader]
    for item in data:
        item["Summary"] = item["Summary"].replace(";", ", ")
    return dict(
        sys_prompt="You are a highly skilled and detail-oriented assistant, specifically trained to assist medical professionals in interpreting and extracting key information from medical documents. Your primary responsibility will be to analyze discharge letters from hospitals. You will receive an excerpt of such a discharge letter. Your task is to summarize the diagnoses and problems that led to the patient's hospitalization.",
        user_prompt_template="""--------------BEGIN DISCHARGE LETTER--------------
{Subjectives}

{Assessment}
--------------END DISCHARGE LETTER--------------
Now respond with the list of diagnoses and patient problems. Do not generate anything else.""",
        assistant_response_template="Diagnoses/Patient problems: " + """{Summary}""",
        prefix="Diagnoses/Patient problems: ", shots=3, data=data)


def medisumqa():
    data = read_jsonl(f"{own_data}/medisumqa/medisumqa.jsonl")
    random.seed(1)
    random.shuffle(data)
    return dict(
        sys_prompt="You are a highly skilled assistant, specifically trained to assist lays in understanding and extracting key information from medical documents. Your primary responsibility will be to interprete discharge letters from hospitals. You will receive such a discharge letter. You should carefully review the contents and accurately answer questions related to this document. Only respond with the correct answer to the question. Answer briefly without mentioning a lot of specific details. If the question is about measurements (e.g., lab values), interpret their meaning in relation to the question, rather than writing down the values. Do not generate anything else.",
        user_prompt_template="""--------------BEGIN DISCHARGE LETTER--------------
{without_discharge_summary}
--------------END DISCHARGE LETTER--------------
Question: {Question}""",
        assistant_response_template="""Answer: {Answer}""", prefix="Answer: ", shots=1, data=data)


def medisumcode():
    samples = [{"text": e["text"], "codes": ", ".join(d["code"] for d in e["icd_codes"])}
               for e in read_jsonl(f"{clinical_fixtures}/medisumcode/medisumcode.jsonl")]
    return dict(
        sys_prompt="You are a highly skilled and detail-oriented assistant, specifically trained to assist medical professionals in interpreting and extracting key information from medical documents. Your primary responsibility will be to analyze discharge letters from hospitals. You will be given such a discharge letter. Your task is to identify all primary and secondary diagnoses from the report and list their respective ICD-10 codes.",
        user_prompt_template="""--------------BEGIN DISCHARGE LETTER--------------
{text}
--------------END DISCHARGE LETTER--------------
Now return the list of diagnoses ICD-10 codes you found. Only list the ICD-10 codes. Do not generate anything else.""",
        assistant_response_template="ICD-10 Codes: " + """{codes}""", prefix="ICD-10 Codes: ", shots=1, data=samples)


def clue_prompt(task, tokenizer, is_instruct, has_system):
    data, k = task["data"], task["shots"]
    few_shot_chat = build_few_shot_examples(data[:k], task["sys_prompt"], task["user_prompt_template"],
                                            task["assistant_response_template"], has_system, is_instruct)
    return build_model_input(data[k], task["user_prompt_template"], is_instruct, few_shot_chat, tokenizer) + task["prefix"]


# --- clinbench's multiple-choice _gen tasks (tasks/*_gen.yaml) -------------------------------
PUBMEDQA_SYSTEM = ("You are a medical expert. Read the abstract and answer the research question. Begin your answer "
                   "with \"The correct answer is\", then the letter of the correct option, a colon and the option's text.")
MC_SYSTEM = ("You are a medical expert. Answer the multiple-choice question. Begin your answer with "
             "\"The correct answer is\", then the letter of the correct option, a colon and the option's text.")


def mc_items():
    medqa = read_jsonl(f"{shared_data}/medqa/US_4_options_test.jsonl")[0]
    mmlu_file = sorted(glob.glob(f"{shared_data}/mmlu_medical/*_test.csv"))[0]
    with open(mmlu_file, newline="", encoding="utf-8") as f:
        mmlu = next(csv.reader(f))
    medmcqa = read_jsonl(f"{own_data}/medmcqa/dev.json")[0]
    with open(f"{own_data}/medbullets/medbullets_op4.csv", newline="", encoding="utf-8") as f:
        op4 = next(csv.DictReader(f))
    with open(f"{own_data}/medbullets/medbullets_op5.csv", newline="", encoding="utf-8") as f:
        op5 = next(csv.DictReader(f))
    with open(f"{shared_data}/pubmedqa/ori_pqal.json", encoding="utf-8") as f:
        pqal = json.load(f)
    with open(f"{shared_data}/pubmedqa/test_ground_truth.json", encoding="utf-8") as f:
        tested = json.load(f)
    pubmedqa = next(item for key, item in pqal.items() if key in tested)
    pubmedqa_user = "Abstract: " + "\n".join(pubmedqa["CONTEXTS"]) + "\nQuestion: " + pubmedqa["QUESTION"]
    return {
        "pubmedqa_gen": (pubmedqa_user, ["yes", "no", "maybe"], PUBMEDQA_SYSTEM),
        "medqa_gen": (medqa["question"], list(medqa["options"].values())),
        "mmlu_medical_gen": (mmlu[0], mmlu[1:5]),
        "medmcqa_gen": (medmcqa["question"], [medmcqa[k] for k in ("opa", "opb", "opc", "opd")]),
        "medbullets_op4_gen": (op4["question"], [op4[k] for k in ("opa", "opb", "opc", "opd")]),
        "medbullets_op5_gen": (op5["question"], [op5[k] for k in ("opa", "opb", "opc", "opd", "ope")]),
    }


def mc_prompt(question, options, tokenizer, is_instruct, has_system, system=MC_SYSTEM):
    user = question + "\n" + "\n".join(f"{'ABCDE'[i]}: {o}" for i, o in enumerate(options))
    if not is_instruct:
        return f"{system}\n\n{user}\n\n"
    chat = ([{"role": "system", "content": system}, {"role": "user", "content": user}] if has_system
            else [{"role": "user", "content": f"{system}\n\n{user}"}])
    return tokenizer.apply_chat_template(chat, tokenize=False, add_generation_prompt=True)


def main():
    clue_tasks = {"mednli": mednli(), "meqsum": meqsum(), "problem_summary": problem_summary(),
                  "medisumqa": medisumqa(), "medisumcode": medisumcode()}
    mc = mc_items()
    out = {}
    for twin, (template, bos, eos) in TWINS.items():
        tokenizer = Tokenizer(template, bos, eos)
        is_instruct = template is not None
        has_system = is_instruct and tokenizer.has_system_role()
        prompts = {name: clue_prompt(task, tokenizer, is_instruct, has_system) for name, task in clue_tasks.items()}
        for name, item in mc.items():
            prompts[name] = mc_prompt(*item[:2], tokenizer, is_instruct, has_system, *item[2:])
        out[twin] = {"prompt_format": "base" if not is_instruct else ("instruct" if has_system else "instruct-no-system"),
                     "prompts": prompts}
    with open("study_prompts.json", "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()
