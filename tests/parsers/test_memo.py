"""remember_short: short first arguments are remembered, long ones recomputed each call."""

from __future__ import annotations

from parsers.memo import remember_short


def test_short_arguments_are_remembered_and_long_ones_are_not() -> None:
    calls: list[str | None] = []

    @remember_short(longest=5, size=8)
    def shout(text: str | None, *, times: int = 1) -> str:
        calls.append(text)
        return (text or "").upper() * times

    assert [shout("abc"), shout("abc"), shout("abc", times=2)] == ["ABC", "ABC", "ABCABC"]
    assert calls == ["abc", "abc"]  # the second call was remembered; other keywords not
    assert [shout("abcdef"), shout("abcdef"), shout(None), shout(None)] == ["ABCDEF"] * 2 + [""] * 2
    assert calls[2:] == ["abcdef", "abcdef", None, None]
