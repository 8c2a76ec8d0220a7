"""Trust on the board: Telegram's initData signature and the bot's chat tokens."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.web.auth import AuthError, chat_of_token, chat_token, check_init_data, sign_init_data

TOKEN = "123456:TEST"
NOW = 1_800_000_000.0
DAY = 24 * 3600


def signed(**fields: str) -> str:
    values = {"auth_date": str(int(NOW)), "user": json.dumps({"id": 7, "first_name": "Ola"})}
    values.update(fields)
    return sign_init_data(values, TOKEN)


def test_telegrams_documented_example_shape_is_accepted() -> None:
    data = signed(query_id="AAH", start_param="1abc")
    result = check_init_data(data, TOKEN, max_age_s=DAY, now=NOW + 10)
    assert result.user.id == 7 and result.user.full_name == "Ola"
    assert result.start_param == "1abc"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ("", "no Telegram sign-in data"),
        ("auth_date=1&auth_date=2&hash=00", "malformed"),
        ("no-equals-sign", "malformed"),
        (signed() + "&extra=1", "not signed by Telegram"),
        (signed().replace("hash=", "hash=f"), "not signed by Telegram"),
        (signed(auth_date=str(int(NOW - DAY - 1))), "expired"),
        (signed(auth_date=str(int(NOW + 3600))), "in the future"),
        (signed(auth_date="soon"), "no valid auth_date"),
        (signed(user="not json"), "names no user"),
        (signed(user='{"id": "7"}'), "names no user"),
    ],
)
def test_untrustworthy_initdata_is_refused_with_its_reason(data: str, reason: str) -> None:
    with pytest.raises(AuthError, match=reason):
        check_init_data(data, TOKEN, max_age_s=DAY, now=NOW)


def test_the_same_data_signed_for_another_bot_is_refused() -> None:
    with pytest.raises(AuthError, match="not signed"):
        check_init_data(signed(), "999:OTHER", max_age_s=DAY, now=NOW)


@given(st.integers(min_value=-(2**63), max_value=2**63 - 1))
def test_every_chat_id_makes_a_startapp_token_that_names_it(chat_id: int) -> None:
    token = chat_token(chat_id, TOKEN)
    assert re.fullmatch(r"[A-Za-z0-9_-]{1,64}", token)
    assert chat_of_token(token, TOKEN) == chat_id


@pytest.mark.parametrize("chat_id", [-1001234567890, -1, 0, 42])
def test_a_token_with_one_character_changed_names_no_chat(chat_id: int) -> None:
    token = chat_token(chat_id, TOKEN)
    for position in range(len(token)):
        changed = (
            token[:position] + ("A" if token[position] != "A" else "B") + token[position + 1 :]
        )
        with pytest.raises(AuthError):
            chat_of_token(changed, TOKEN)
    with pytest.raises(AuthError):
        chat_of_token(token, "999:OTHER")
