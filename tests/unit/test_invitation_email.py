"""Invitation emails and fields: the SES template in infra/ is the one the local outbox renders,
messages are RFC 5322 with encoded headers, and header injection is refused with the field named."""

from __future__ import annotations

import json
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest

from chalicelib.errors import BadRequest
from chalicelib.invitations import emails, fields

ROOT = Path(__file__).resolve().parents[2]


def test_the_ses_template_in_infra_is_the_one_rendered_locally() -> None:
    resources = json.loads((ROOT / "infra" / "resources.json").read_text())["Resources"]
    template = resources["InvitationEmailTemplate"]["Properties"]["Template"]
    for part in ("SubjectPart", "TextPart", "HtmlPart"):
        assert template[part] == emails.TEMPLATE[part], part
    policy_doc = resources["NimbusDataAccessPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    assert any("ses:SendTemplatedEmail" in s["Action"] for s in policy_doc)


def test_message_is_rfc5322_with_a_personal_link_and_escaped_html() -> None:
    data = emails.values("Golf <Basics>", "", "Read & enjoy", name="Zoë Ångström",
                         url="https://nimbus.example/invite/R1.abc/u/1.s3cret", expiration=None)
    raw = emails.message("zoe@example.com", "Zoë Ångström", data).as_bytes(policy=policy.SMTP)
    assert b"\r\n" in raw and all(ord(c) < 128 for c in raw.decode("ascii"))  # encoded-words, CRLF
    parsed = BytesParser(policy=policy.default).parsebytes(raw)
    assert parsed["To"].addresses[0].display_name == "Zoë Ångström"
    assert parsed["Subject"] == "Invitation: Golf <Basics>"
    assert "https://nimbus.example/invite/R1.abc/u/1.s3cret" in parsed.get_body(("plain",)).get_content()
    html = parsed.get_body(("html",)).get_content()
    assert "Golf &lt;Basics&gt;" in html and "Read &amp; enjoy" in html


@pytest.mark.parametrize(("entry", "field"), [
    ("Eve\r\nBcc: everyone@example.com <eve@example.com>", "addresses[0]"),
    ({"email": "eve@example.com", "firstName": "Eve", "lastName": "X\nCc: a@b.cd"}, "addresses[0].lastName"),
    ({"email": "eve@example.com\r\nBcc: a@b.cd"}, "addresses[0].email"),
])
def test_header_injection_is_refused_naming_the_field(entry: object, field: str) -> None:
    with pytest.raises(BadRequest) as refused:
        fields.learners([entry])
    assert field in refused.value.message and "header injection" in refused.value.message


def test_learners_accept_three_forms_and_report_malformed_addresses() -> None:
    good, bad = fields.learners(["Ada Lovelace <Ada@Example.com>", "alan@example.com",
                                 {"email": "grace@example.com", "firstName": "Grace", "lastName": "Hopper"},
                                 "ada@example.com", "nobody", "two@@example.com"])
    assert [(g.email, g.first_name, g.last_name) for g in good] == [
        ("ada@example.com", "Ada", "Lovelace"), ("alan@example.com", "", ""), ("grace@example.com", "Grace", "Hopper")]
    assert bad == ["nobody", "two@@example.com"]
    with pytest.raises(BadRequest, match="at most 1000"):
        fields.learners(["a@b.cd"] * 1001)


def test_the_splash_cookie_is_scoped_to_invitation_links_under_the_base_path(monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.config import settings
    from chalicelib.invitations import splash

    monkeypatch.setenv("BASE_URL", "https://abc.execute-api.us-east-1.amazonaws.com/api")
    settings.cache_clear()
    try:
        assert splash.cookie_path() == "/api/invite/"
    finally:
        monkeypatch.undo()
        settings.cache_clear()
    assert splash.cookie_path() == "/invite/"
