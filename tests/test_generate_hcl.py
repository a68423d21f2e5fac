"""The HCL emitter: quoting, and output that terraform fmt leaves unchanged for any shape."""

from __future__ import annotations

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from launchdeck.app.generators import hcl
from launchdeck.app.generators.hcl import Raw, block
from launchdeck.app.validate import parse_hcl, validate_files

names = st.from_regex(r"[a-z][a-z0-9_]{0,14}", fullmatch=True)
# Printable ASCII plus a few common non-ASCII letters and symbols (terraform fmt escapes
# unassigned code points, which no plan contains).
text = st.text(st.sampled_from([chr(c) for c in range(32, 127)] + list("éüßñ✓€中\n\t")), max_size=20)
scalars = st.one_of(text, st.booleans(), st.integers(-10**6, 10**6),
                    st.floats(-1000, 1000, allow_nan=False).map(lambda f: round(f, 3)),
                    st.sampled_from([Raw("var.region"), Raw("local.ci"), Raw("google_x.y.id")]))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.one_of(names, text.filter(bool)), inner, max_size=4)),
    max_leaves=8)


@st.composite
def blocks(draw, depth: int = 0):
    body = []
    for name in draw(st.lists(names, unique=True, max_size=5)):
        body.append((name, draw(values)))
    if depth < 2:
        attributes = {item[0] for item in body}
        children = draw(st.lists(blocks(depth + 1), max_size=2))
        # A body cannot have an attribute and a block of the same name (HCL rejects it).
        for i, child in enumerate(c for c in children if c.type not in attributes):
            body.insert(min(i * 2, len(body)), child)
    return block(draw(names), *draw(st.lists(names, max_size=2)), body=body)


def test_escaped_template_openers_validate() -> None:
    # Terraform reads "$${" as the literal `${`; python-hcl2 alone would reject it unclosed.
    text_out = hcl.render([block("v", body=[("x", "${"), ("y", "a %{ b"), ("z", "${HOME}")])])
    assert parse_hcl(text_out) == {"v": [{"x": '"$_{"', "y": '"a %_{ b"', "z": '"$_{HOME}"', "__is_block__": True}]}
    assert all(v.ok for v in validate_files({"t/main.tf": text_out})), validate_files({"t/main.tf": text_out})


def test_quote_escapes_templates_and_quotes():
    assert hcl.quote('a "b" ${c} %{d}\n\\') == '"a \\"b\\" $${c} %%{d}\\n\\\\"'


def test_none_values_are_dropped_and_empty_blocks_are_compact():
    out = hcl.render([block("resource", "google_x", "a", body=[("name", "n"), ("skip", None), block("empty")])])
    assert "skip" not in out and "empty {}" in out


@settings(max_examples=8, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(blocks(), min_size=1, max_size=6))
def test_any_shape_is_fmt_clean_and_parses(generated):
    text_out = hcl.render(generated, header="property test")
    parse_hcl(text_out)
    verdicts = [v for v in validate_files({"t/main.tf": text_out}) if v.validator == "terraform-fmt"]
    assert verdicts and verdicts[0].ok, text_out
