"""Organization names compared the way the spec scores them: NFKC, no spaces,
no legal-form words. One home, so merging, watchlists and scoring agree."""

from __future__ import annotations

import re

from parsers.textnorm import nfkc

LEGAL_FORMS = (
    "株式会社",
    "有限会社",
    "合同会社",
    "合資会社",
    "合名会社",
    "一般社団法人",
    "公益社団法人",
    "一般財団法人",
    "公益財団法人",
    "特定非営利活動法人",
    "国立大学法人",
    "公立大学法人",
    "独立行政法人",
    "地方独立行政法人",
    "学校法人",
    "社会福祉法人",
    "医療法人社団",
    "医療法人財団",
    "医療法人",
    "宗教法人",
    "(株)",
    "(有)",
    "(同)",
    "㈱",
    "㈲",
)
_LEGAL = re.compile("|".join(re.escape(f) for f in sorted(LEGAL_FORMS, key=len, reverse=True)))
_SPACE = re.compile(r"\s+")


def org_key(name: str) -> str:
    """`株式会社 ワコム` and `(株)ワコム` both give `ワコム`; case-folded for Latin names."""
    text = _SPACE.sub("", nfkc(name))
    return _LEGAL.sub("", text).casefold()
