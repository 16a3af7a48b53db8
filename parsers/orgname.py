"""Organization names compared the way the spec scores them: NFKC, no spaces, no
legal-form words, casefolded. One home, so merging, watchlists and scoring agree."""

from __future__ import annotations

import re

from parsers.textnorm import nfkc

LEGAL_FORMS_JA = sorted(
    [
        "株式会社", "有限会社", "合同会社", "合資会社", "合名会社", "相互会社",
        "一般社団法人", "公益社団法人", "社団法人", "一般財団法人", "公益財団法人", "財団法人",
        "特定非営利活動法人", "NPO法人", "国立大学法人", "公立大学法人", "学校法人",
        "医療法人社団", "医療法人財団", "医療法人", "社会福祉法人", "宗教法人",
        "独立行政法人", "地方独立行政法人", "国立研究開発法人", "大学共同利用機関法人",
        "(株)", "(有)", "(同)", "(資)", "(名)", "(社)", "(財)", "(学)", "(医)", "(福)",
        "(公社)", "(公財)", "(一社)", "(一財)", "(独)", "(特非)",
    ],
    key=len,
    reverse=True,
)  # fmt: skip
_LEGAL_JA = re.compile("|".join(re.escape(f) for f in LEGAL_FORMS_JA))
_LEGAL_LATIN = re.compile(
    r"[,.]?(co\.?,?ltd\.?|co\.?|inc\.?|corp\.?|corporation|ltd\.?|limited|llc|k\.?k\.?)$",
    re.IGNORECASE,
)


def org_key(name: str) -> str:
    """`株 式 会 社ワコム`, `㈱ワコム` and `ワコム` give the same key; `Example Co., Ltd.`
    equals `EXAMPLE`. Latin suffixes go only at the end, so `Incredible` keeps its `Inc`."""
    text = "".join(nfkc(name).split())
    text = _LEGAL_JA.sub("", text)
    previous = None
    while previous != text:
        previous, text = text, _LEGAL_LATIN.sub("", text)
    return text.casefold()
