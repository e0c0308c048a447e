"""Synthetic bilingual call-centre sentences with their punctuation, for the fixture punctuator.

A sentence is an optional interjection ("hello," / "你好，"), one or two clauses joined by a comma,
and its end mark (。 or ？). Tokens are split as sherpa-onnx splits text for a CT-transformer
(SplitUtf8: each Chinese character one token, an English word whole, lower-cased); a number said as
digits (13812345678) is one token the vocabulary cannot hold, so it is written as NUM and maps to
<unk>. Each token's label is the punctuation that follows it: _ (none), ，, 。, ？ or 、.

Held out on purpose: every template list keeps its last HELD entries out of training, and some
interjection × clause pairings are held out too, so held-out sentences are frames and combinations
training never saw (their words mostly appear elsewhere; any unseen word becomes <unk>).
"""
import numpy as np

PUNCTS = ["<unk>", "_", "，", "。", "？", "、"]
NONE, COMMA, DOT, QUEST, PAUSE = 1, 2, 3, 4, 5
HELD = 3

EN_NUM = ["one", "two", "three", "five", "twenty", "thirty five", "one hundred", "two hundred and fifty",
          "forty", "ninety nine", "seven", "twelve"]
ZH_NUM = ["一", "两", "三", "五", "二十", "三十五", "一百", "两百五十", "四十", "九十九", "七", "十二"]

# {n}: a spelled number, {d}: a number said as digits (NUM). "a|b|c" after LIST: a list with pauses.
# A clause is a frame with an action ("can you {a}" + "check my balance"), or a fixed clause.
# {n}: a spelled number, {d}: a number said as digits (NUM). Lists: items joined by 、.
EN_ACT = ["check my balance", "pay my bill", "change my address", "cancel my card", "speak to an agent",
          "block my card", "get a new card", "check the fee", "make a transfer", "reset my password",
          "update my phone number", "close my account", "check my last payment", "open a new account"]
EN_STATE_FRAME = ["i would like to {a}", "i want to {a}", "i need to {a}", "please help me {a}", "i am calling to {a}",
                  "i tried to {a} yesterday", "we can {a} for you", "you can {a} online", "let me {a} for you"]
EN_QUEST_FRAME = ["can you {a}", "could you {a}", "can i {a}", "how do i {a}", "could you help me {a}",
                  "do i need to {a}", "why can i not {a}", "when can i {a}", "is it possible to {a}"]
EN_STATE = [
    "my card was blocked yesterday", "i lost my card", "my phone number is {d}", "my card number is {d}",
    "the payment was made on monday", "i have been waiting for {n} minutes", "thank you very much",
    "that is all", "i was charged {n} yuan twice", "please hold for a moment", "your balance is {n} yuan",
    "the transfer will arrive tomorrow", "my account number is {d}", "i paid {n} yuan last week",
    "the fee is {n} yuan", "i moved last month", "your card will arrive in {n} days", "it was {n} yuan",
]
EN_QUEST = [
    "how much do i owe", "when will the refund arrive", "what is the fee for this", "is there anything else",
    "how can i help you today", "what is your phone number", "why was my card blocked",
    "how long will the transfer take", "is my card still blocked", "what is my balance",
    "where is my card", "who am i speaking to", "are you still there", "what is the fee",
]
EN_LIST = ["your name|your address|your date of birth", "your card|your phone|your account number",
           "monday|tuesday|friday", "the fee|the balance|the payment"]
EN_LIST_FRAMES = ["please tell me {l}", "i need {l}", "we will check {l}", "please have {l} ready"]
EN_INTER = ["hello", "hi", "ok", "yes", "no", "sure", "alright", "good morning", "thank you", "sorry",
            "well", "right"]
EN_JOIN = ["but", "and", "so"]

ZH_ACT = ["查询余额", "还款", "改一下地址", "注销这张卡", "找人工客服", "冻结这张卡", "办一张新卡", "查一下手续费",
          "转账", "重置密码", "改一下手机号", "销户", "查一下上次的还款", "开一个新账户"]
ZH_STATE_FRAME = ["我想{a}", "我要{a}", "我需要{a}", "请帮我{a}", "我打电话是想{a}", "我昨天想{a}",
                  "我们可以帮您{a}", "您可以在网上{a}", "我来帮您{a}"]
ZH_QUEST_FRAME = ["可以帮我{a}吗", "能不能帮我{a}", "我可以{a}吗", "请问怎么{a}", "你能帮我{a}吗",
                  "我需要{a}吗", "为什么我不能{a}", "什么时候可以{a}", "请问能{a}吗"]
ZH_STATE = [
    "我的卡被冻结了", "我的卡丢了", "我的手机号是{d}", "我的卡号是{d}", "付款是星期一做的",
    "我已经等了{n}分钟了", "谢谢", "没有别的问题了", "我被扣了两次{n}块钱", "请稍等", "您的余额是{n}元",
    "转账明天到账", "我的账号是{d}", "我上周还了{n}块钱", "手续费是{n}元", "我上个月搬家了",
    "您的新卡{n}天后寄到", "一共是{n}块钱",
]
ZH_QUEST = [
    "我还欠多少钱", "退款什么时候到账", "手续费是多少", "还有别的问题吗", "请问有什么可以帮您",
    "请问您的手机号是多少", "为什么我的卡被冻结了", "转账要多久", "我的卡还是冻结的吗", "我的余额是多少",
    "我的卡在哪里", "请问您贵姓", "您还在吗", "请问是本人吗",
]
ZH_LIST = ["身份证|银行卡|手机", "姓名|地址|生日", "星期一|星期二|星期五", "余额|手续费|还款"]
ZH_LIST_FRAMES = ["请准备好{l}", "我需要{l}", "我们会核对{l}", "请告诉我{l}"]
ZH_INTER = ["你好", "喂", "好的", "是的", "对", "嗯", "没问题", "早上好", "谢谢", "不好意思", "那个", "行"]
ZH_JOIN = ["但是", "所以", "然后"]


def held_pair(f, a):
    """frame × action pairings training never sees (about one in five), beside the held-out lists"""
    return (f * 7 + a * 3) % 5 == 0


def split(lst, held):
    return (lst, lst[-HELD:]) if held else (lst[:-HELD], lst[-HELD:])


def tokens_of(text, lang):
    """(token, label) pairs; text holds ， 、 marks inline, NUM for a number said as digits"""
    out = []
    if lang == "en":
        for w in text.replace("，", " ， ").replace("、", " 、 ").split():
            if w in ("，", "、"):
                out[-1] = (out[-1][0], COMMA if w == "，" else PAUSE)
            else:
                out.append((w, NONE))
    else:
        i = 0
        while i < len(text):
            if text.startswith("NUM", i):
                out.append(("NUM", NONE))
                i += 3
                continue
            c = text[i]
            if c in "，、":
                out[-1] = (out[-1][0], COMMA if c == "，" else PAUSE)
            elif not c.isspace():
                out.append((c, NONE))
            i += 1
    return out


class Grammar:
    def __init__(self, heldout):
        self.heldout = heldout

    def clause(self, rng, lang, quest):
        en = lang == "en"
        fixed = (EN_QUEST if quest else EN_STATE) if en else (ZH_QUEST if quest else ZH_STATE)
        frames = (EN_QUEST_FRAME if quest else EN_STATE_FRAME) if en else (ZH_QUEST_FRAME if quest else ZH_STATE_FRAME)
        acts = EN_ACT if en else ZH_ACT
        nums = EN_NUM if en else ZH_NUM
        r = rng.random()
        if not quest and r < 0.1:  # a list: 身份证、银行卡、手机
            lf_train, lf_held = split(EN_LIST_FRAMES if en else ZH_LIST_FRAMES, False)
            frame = str(rng.choice(lf_held if self.heldout else lf_train))
            items = str(rng.choice(EN_LIST if en else ZH_LIST)).split("|")
            text = frame.replace("{l}", " 、 ".join(items) if en else "、".join(items))
        elif r < 0.6:  # frame + action; held out: unseen pairings, held-out frames or actions
            while True:
                f, a = int(rng.integers(len(frames))), int(rng.integers(len(acts)))
                held = held_pair(f, a) or f >= len(frames) - 1 or a >= len(acts) - HELD
                if held == self.heldout:
                    break
            text = frames[f].replace("{a}", acts[a])
        else:
            f_train, f_held = split(fixed, False)
            text = str(rng.choice(f_held if self.heldout else f_train))
        return text.replace("{n}", str(rng.choice(nums))).replace("{d}", " NUM " if en else "NUM")

    def sentence(self, rng, lang):
        inter = EN_INTER if lang == "en" else ZH_INTER
        join = EN_JOIN if lang == "en" else ZH_JOIN
        quest = rng.random() < 0.35
        parts = []
        # interjection pairings held out: the last HELD interjections only open held-out sentences
        i_train, i_held = split(inter, False)
        if rng.random() < 0.45:
            parts.append(str(rng.choice(i_held if self.heldout and rng.random() < 0.5 else i_train)))
        if rng.random() < 0.3:  # statement, (join) second clause
            first = self.clause(rng, lang, False)
            second = self.clause(rng, lang, quest)
            # always joined by a conjunction: two clauses side by side are as often two sentences,
            # which no model could tell apart from the words alone
            second = f"{rng.choice(join)} {second}" if lang == "en" else f"{rng.choice(join)}{second}"
            parts += [first, second]
        else:
            parts.append(self.clause(rng, lang, quest))
        toks = []
        for p in parts:
            t = tokens_of(p, lang)
            if toks:
                toks[-1] = (toks[-1][0], COMMA)
            toks += t
        toks[-1] = (toks[-1][0], QUEST if quest else DOT)
        return toks

    def sequence(self, rng):
        """1–3 sentences, one language or mixed, as a recogniser's final might hold them"""
        n = int(rng.integers(1, 4))
        lang = "en" if rng.random() < 0.5 else "zh"
        out = []
        for _ in range(n):
            out += self.sentence(rng, lang if rng.random() < 0.85 else ("zh" if lang == "en" else "en"))
        return out


def vocabulary():
    """every token of the training grammar (never the held-out lists), sorted; <unk> first"""
    words = set()
    for lst in (EN_STATE[:-HELD], EN_QUEST[:-HELD], EN_INTER[:-HELD], EN_JOIN, EN_NUM, EN_LIST_FRAMES[:-HELD],
                EN_ACT[:-HELD], EN_STATE_FRAME[:-1], EN_QUEST_FRAME[:-1]):
        for s in lst:
            words.update(s.replace("{n}", "").replace("{d}", "").replace("{l}", "").replace("{a}", "").split())
    for s in EN_LIST:
        words.update(s.replace("|", " ").split())
    for lst in (ZH_STATE[:-HELD], ZH_QUEST[:-HELD], ZH_INTER[:-HELD], ZH_JOIN, ZH_NUM, ZH_LIST_FRAMES[:-HELD], ZH_LIST,
                ZH_ACT[:-HELD], ZH_STATE_FRAME[:-1], ZH_QUEST_FRAME[:-1]):
        for s in lst:
            words.update(c for c in s.replace("{n}", "").replace("{d}", "").replace("{l}", "").replace("{a}", "") if c not in "| ")
    return ["<unk>"] + sorted(words)


def render(toks):
    """the text sherpa-onnx would print for these tokens and labels (ASCII words spaced)"""
    out = ""
    for i, (w, lab) in enumerate(toks):
        if i > 0 and w.isascii() and toks[i - 1][0].isascii():
            out += " "
        out += w
        if lab != NONE:
            out += PUNCTS[lab]
    return out


def with_digits(toks, rng):
    """NUM as a number said as digits: a mobile number, a card number or a short one"""
    out = []
    for w, lab in toks:
        if w == "NUM":
            kind = rng.integers(3)
            n = 11 if kind == 0 else (16 if kind == 1 else int(rng.integers(4, 9)))
            digits = ("1" + str(rng.integers(3, 10)) if kind == 0 else str(rng.integers(1, 10))) + "".join(str(d) for d in rng.integers(0, 10, n))
            w = digits[:n]
        out.append((w, lab))
    return out


if __name__ == "__main__":
    # held-out sequences as sherpa-onnx would print them, one a line: the test's reference
    import argparse
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--count", type=int, default=60)
    p.add_argument("--seed", type=int, default=2013)
    a = p.parse_args()
    rng = np.random.default_rng(a.seed)
    g = Grammar(True)
    with open(a.out, "w") as f:
        for _ in range(a.count):
            f.write(render(with_digits(g.sequence(rng), rng)) + "\n")
