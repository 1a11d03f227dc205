"""The characters NFKC could change in a way the comparison key keeps, as one regular-expression
class (``normalize.key.nfkc_sensitive`` written by ``normalize.key.char_class``), made from the
Unicode data of the version below: scanning every code point cost each process about 0.1 s.
``normalize.key`` makes the class anew under another Unicode version; a test holds this one equal
to what it makes.

    python -m normalize.nfkc_table    # writes this file anew from this Python's Unicode data
"""

UNIDATA_VERSION = "14.0.0"
NEEDS_NFKC = (
    r"[\u00a8\u00aa\u00af\u00b2-\u00b5\u00b8-\u00ba\u00bc-\u00be\u0132-\u0133"
    r"\u013f-\u0140\u0149\u017f\u01c4-\u01cc\u01f1-\u01f3\u02b0-\u02b8\u02d8-\u02dd\u02e0-\u02e4"
    r"\u0300-\u034e\u0350-\u036f\u0374\u037a\u0384-\u0385\u03d0-\u03d6\u03f0-\u03f2\u03f4-\u03f5"
    r"\u03f9\u0483-\u0487\u0587\u0591-\u05bd\u05bf\u05c1-\u05c2\u05c4-\u05c5\u05c7"
    r"\u0610-\u061a\u064b-\u065f\u0670\u0675-\u0678\u06d6-\u06dc\u06df-\u06e4\u06e7-\u06e8\u06ea-\u06ed"
    r"\u0711\u0730-\u074a\u07eb-\u07f3\u07fd\u0816-\u0819\u081b-\u0823\u0825-\u0827\u0829-\u082d"
    r"\u0859-\u085b\u0898-\u089f\u08ca-\u08e1\u08e3-\u08ff\u093c\u094d\u0951-\u0954\u0958-\u095f"
    r"\u09bc\u09be\u09cd\u09d7\u09dc-\u09dd\u09df\u09fe\u0a33"
    r"\u0a36\u0a3c\u0a4d\u0a59-\u0a5b\u0a5e\u0abc\u0acd\u0b3c"
    r"\u0b3e\u0b4d\u0b56-\u0b57\u0b5c-\u0b5d\u0bbe\u0bcd\u0bd7\u0c3c"
    r"\u0c4d\u0c55-\u0c56\u0cbc\u0cc2\u0ccd\u0cd5-\u0cd6\u0d3b-\u0d3c\u0d3e"
    r"\u0d4d\u0d57\u0dca\u0dcf\u0ddf\u0e33\u0e38-\u0e3a\u0e48-\u0e4b"
    r"\u0eb3\u0eb8-\u0eba\u0ec8-\u0ecb\u0edc-\u0edd\u0f18-\u0f19\u0f35\u0f37\u0f39"
    r"\u0f43\u0f4d\u0f52\u0f57\u0f5c\u0f69\u0f71-\u0f7d\u0f80-\u0f84"
    r"\u0f86-\u0f87\u0f93\u0f9d\u0fa2\u0fa7\u0fac\u0fb5\u0fb7"
    r"\u0fb9\u0fc6\u102e\u1037\u1039-\u103a\u108d\u10fc\u1161-\u1175"
    r"\u11a8-\u11c2\u135d-\u135f\u1714-\u1715\u1734\u17d2\u17dd\u18a9\u1939-\u193b"
    r"\u1a17-\u1a18\u1a60\u1a75-\u1a7c\u1a7f\u1ab0-\u1abd\u1abf-\u1ace\u1b34-\u1b35\u1b44"
    r"\u1b6b-\u1b73\u1baa-\u1bab\u1be6\u1bf2-\u1bf3\u1c37\u1cd0-\u1cd2\u1cd4-\u1ce0\u1ce2-\u1ce8"
    r"\u1ced\u1cf4\u1cf8-\u1cf9\u1d2c-\u1d2e\u1d30-\u1d3a\u1d3c-\u1d4d\u1d4f-\u1d6a\u1d78"
    r"\u1d9b-\u1dff\u1e9a-\u1e9b\u1f71\u1f73\u1f75\u1f77\u1f79\u1f7b"
    r"\u1f7d\u1fbb\u1fbd-\u1fc1\u1fc9\u1fcb\u1fcd-\u1fcf\u1fd3\u1fdb"
    r"\u1fdd-\u1fdf\u1fe3\u1feb\u1fed-\u1fee\u1ff9\u1ffb\u1ffd-\u1ffe\u2017"
    r"\u203e\u2070-\u2071\u2074-\u2079\u207f-\u2089\u2090-\u209c\u20a8\u20d0-\u20dc\u20e1"
    r"\u20e5-\u20f0\u2100-\u2103\u2105-\u2107\u2109-\u2113\u2115-\u2116\u2119-\u211d\u2120-\u2122\u2124"
    r"\u2126\u2128\u212a-\u212d\u212f-\u2131\u2133-\u2139\u213b-\u213f\u2145-\u2149\u2150-\u217f"
    r"\u2189\u2460-\u24ea\u2adc\u2c7c-\u2c7d\u2cef-\u2cf1\u2d6f\u2d7f\u2de0-\u2dff"
    r"\u2e9f\u2ef3\u2f00-\u2fd5\u302a-\u302f\u3038-\u303a\u3099-\u309c\u309f\u30ff"
    r"\u3131-\u318e\u3192-\u319f\u3200-\u321e\u3220-\u3247\u3250-\u327e\u3280-\u33ff\ua66f\ua674-\ua67d"
    r"\ua69c-\ua69f\ua6f0-\ua6f1\ua770\ua7f2-\ua7f4\ua7f8-\ua7f9\ua806\ua82c\ua8c4"
    r"\ua8e0-\ua8f1\ua92b-\ua92d\ua953\ua9b3\ua9c0\uaab0\uaab2-\uaab4\uaab7-\uaab8"
    r"\uaabe-\uaabf\uaac1\uaaf6\uab5c-\uab5f\uab69\uabed\uf900-\ufa0d\ufa10"
    r"\ufa12\ufa15-\ufa1e\ufa20\ufa22\ufa25-\ufa26\ufa2a-\ufa6d\ufa70-\ufad9\ufb00-\ufb06"
    r"\ufb13-\ufb17\ufb1d-\ufb28\ufb2a-\ufb36\ufb38-\ufb3c\ufb3e\ufb40-\ufb41\ufb43-\ufb44\ufb46-\ufbb1"
    r"\ufbd3-\ufd3d\ufd50-\ufd8f\ufd92-\ufdc7\ufdf0-\ufdfc\ufe20-\ufe2f\ufe49-\ufe4c\ufe70-\ufe72\ufe74"
    r"\ufe76-\ufefc\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\uff66-\uffbe\uffc2-\uffc7\uffca-\uffcf\uffd2-\uffd7"
    r"\uffda-\uffdc\uffe3\U00010000-\U0010ffff]"
)


def source() -> str:
    """This file's text, made from this Python's Unicode data: the class a few ranges a line."""
    import re
    import unicodedata
    from pathlib import Path

    from normalize.key import char_class, nfkc_sensitive

    made = char_class(nfkc_sensitive())
    pieces = re.findall(r"\\[uU][0-9a-f]+(?:-\\[uU][0-9a-f]+)?|.", made)
    lines = ["".join(pieces[i : i + 8]) for i in range(0, len(pieces), 8)]
    body = "\n".join(f'    r"{line}"' for line in lines)
    text = Path(__file__).read_text(encoding="utf-8")
    head, tail = text.split("\nUNIDATA_VERSION = ", 1)
    table = f'UNIDATA_VERSION = "{unicodedata.unidata_version}"\nNEEDS_NFKC = (\n{body}\n)\n\n\n'
    return f"{head}\n{table}{tail[tail.index('def source()') :]}"


if __name__ == "__main__":
    from pathlib import Path

    Path(__file__).write_text(source(), encoding="utf-8")
