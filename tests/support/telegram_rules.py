"""Telegram Bot API rules as pure functions.

Unit tests call these directly, and ``FakeBotAPI`` uses them to reject requests the way the
real Bot API does, so a formatting or limit bug fails a test instead of failing in production.

The HTML parser follows tdlib's ``parse_html`` (td/telegram/MessageEntity.cpp), which is what the
Bot API runs for ``parse_mode=HTML``: the same tags, the same attribute syntax, the same error
texts and UTF-8 byte offsets, and the same entities. ``strict=True`` (the default) adds one
deliberate difference: Telegram quietly shows a stray ``&`` as text (``"Tom & Jerry"``,
``"&nbsp;"``) and decodes ``&lt`` without its ``;``. We reject both, because in our code they only
ever come from a missing ``html.escape`` - the same bug that, with a ``<`` in the data, becomes a
rejected message. Pass ``strict=False`` for Telegram's exact behaviour.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, NoReturn

MESSAGE_TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_DATA_LIMIT = 64
# What a button's answer (a toast or an alert) may say, in characters.
CALLBACK_ANSWER_LIMIT = 200
INLINE_RESULTS_LIMIT = 50
INLINE_RESULT_ID_LIMIT = 64
BOT_COMMANDS_LIMIT = 100

PARSE_ERROR_PREFIX = "Bad Request: can't parse entities: "
TEXT_EMPTY = "Bad Request: message text is empty"
TEXT_TOO_LONG = "Bad Request: message is too long"
CAPTION_TOO_LONG = "Bad Request: message caption is too long"
BUTTON_DATA_INVALID = "Bad Request: BUTTON_DATA_INVALID"
CALLBACK_ANSWER_TOO_LONG = "Bad Request: MESSAGE_TOO_LONG"
BUTTON_URL_INVALID = "Bad Request: BUTTON_URL_INVALID"
TEXT_BUTTONS_UNALLOWED = (
    "Bad Request: can't parse inline keyboard button: "
    "Text buttons are unallowed in the inline keyboard"
)
INLINE_KEYBOARD_NOT_ARRAYS = (
    'Bad Request: field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays'
)
RESULTS_TOO_MUCH = "Bad Request: RESULTS_TOO_MUCH"
RESULT_ID_INVALID = "Bad Request: RESULT_ID_INVALID"
RESULT_ID_DUPLICATE = "Bad Request: RESULT_ID_DUPLICATE"
BOT_COMMAND_INVALID = "Bad Request: BOT_COMMAND_INVALID"
BOT_COMMANDS_TOO_MUCH = "Bad Request: BOT_COMMANDS_TOO_MUCH"
COMMAND_DESCRIPTION_EMPTY = "Bad Request: command description must be non-empty"
# Telegram documents the 256-character limit; this wording is ours.
COMMAND_DESCRIPTION_TOO_LONG = "Bad Request: command description is too long"

SUPPORTED_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "tg-emoji",
        "code",
        "pre",
        "blockquote",
    }
)
NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}

# Button kinds that need no further check here; "callback_data" and "url" are checked.
_OTHER_BUTTON_KINDS = frozenset(
    {
        "switch_inline_query",
        "switch_inline_query_current_chat",
        "switch_inline_query_chosen_chat",
        "web_app",
        "login_url",
        "callback_game",
        "pay",
        "copy_text",
    }
)
_COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")
# tdlib's is_space; the end of the text also counts as a space there (it is a C string's NUL).
_SPACES = frozenset(" \t\r\n\v\f\0")
_ASCII_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_DIGITS = frozenset("0123456789")
_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")
_NAME_TOKEN_CHARS = _ASCII_LETTERS | _DIGITS | {".", "-"}
# tdlib's sort order for entities starting at the same offset with the same length.
_ENTITY_PRIORITY = {
    "expandable_blockquote": 0,
    "blockquote": 0,
    "pre": 11,
    "code": 20,
    "text_link": 49,
    "bold": 90,
    "italic": 91,
    "underline": 92,
    "strikethrough": 93,
    "spoiler": 94,
    "custom_emoji": 99,
}
_SIMPLE_TAG_ENTITIES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
}

JSONDict = dict[str, Any]


class HtmlParseError(ValueError):
    """The text is not valid Telegram HTML; ``str(error)`` is Telegram's reason, without prefix."""


@dataclass(frozen=True)
class ParsedText:
    """A text after entity parsing: what the user sees, plus the Bot API entities."""

    text: str
    entities: list[JSONDict] = field(default_factory=list)


@dataclass
class _OpenTag:
    name: str
    argument: str
    utf16_offset: int
    output_position: int


# ---------------------------------------------------------------------------------------------
# Text measuring and HTML parsing
# ---------------------------------------------------------------------------------------------


def utf16_length(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram's limits and entity offsets."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def is_html(parse_mode: object) -> bool:
    """Whether ``parse_mode`` selects HTML (the Bot API compares it case-insensitively)."""
    return isinstance(parse_mode, str) and parse_mode.lower() == "html"


def parse_html(text: str, *, strict: bool = True) -> ParsedText:
    """Parse Telegram HTML into visible text and entities; raises :class:`HtmlParseError`."""
    return _HtmlParser(text, strict=strict).parse()


def html_error(text: str, *, strict: bool = True) -> str | None:
    """None if ``text`` is valid for ``parse_mode=HTML``, else Telegram's error description."""
    try:
        parse_html(text, strict=strict)
    except HtmlParseError as error:
        return PARSE_ERROR_PREFIX + str(error)
    return None


def visible_text(text: str, *, strict: bool = True) -> str:
    """The text a user sees: tags removed, entities decoded. Raises on invalid HTML."""
    return parse_html(text, strict=strict).text


def parse_text(text: str, parse_mode: object, *, strict: bool = True) -> ParsedText:
    """Parse ``text`` as the Bot API would for ``parse_mode``.

    Only HTML is parsed; any other mode (or none) keeps the text as it is, without entities.
    """
    if is_html(parse_mode):
        return parse_html(text, strict=strict)
    return ParsedText(text)


def _decode_entity(source: str, position: int) -> tuple[str, int, bool] | None:
    """tdlib's ``decode_html_entity`` at ``source[position] == '&'``.

    Returns (character, index after the entity, whether it ended with ';'), or None if this
    ``&`` does not start an entity Telegram understands.
    """
    end = position + 1
    if source.startswith("#", end):
        end += 1
        hexadecimal = source.startswith("x", end)
        end += hexadecimal
        digits = _HEX_DIGITS if hexadecimal else _DIGITS
        start = end
        while end < len(source) and source[end] in digits:
            end += 1
        code = int(source[start:end], 16 if hexadecimal else 10) if end > start else 0
        if code == 0 or code >= 0x10FFFF or end - position >= 10:
            return None
        character = chr(code)
    else:
        start = end
        while end < len(source) and source[end] in _ASCII_LETTERS:
            end += 1
        named = NAMED_ENTITIES.get(source[start:end])
        if named is None:
            return None
        character = named
    if source.startswith(";", end):
        return character, end + 1, True
    return character, end, False


def _checked_url(url: str) -> str | None:
    """A rough stand-in for tdlib's ``get_checked_link``: normalise, or None if not a link.

    Telegram drops a text_link whose URL it cannot use instead of rejecting the message.
    """
    url = url.strip()
    if url.startswith("tg:"):
        return url
    scheme, separator, rest = url.partition("://")
    if not separator:
        scheme, rest = "http", url
    if scheme.lower() not in {"http", "https", "ton"}:
        return None
    host_end = len(rest)
    for delimiter in "/?#":
        found = rest.find(delimiter)
        if found != -1:
            host_end = min(host_end, found)
    host = rest[:host_end]
    if not host or ("." not in host and host.lower() != "localhost"):
        return None
    if not rest.startswith("/", host_end):
        rest = f"{host}/{rest[host_end:]}"
    return f"{scheme.lower()}://{rest}"


class _HtmlParser:
    """One pass over the text, mirroring tdlib's ``parse_html`` step by step."""

    def __init__(self, source: str, *, strict: bool) -> None:
        self.source = source
        self.size = len(source)
        self.strict = strict
        self.output: list[str] = []
        self.utf16_offset = 0
        self.open_tags: list[_OpenTag] = []
        self.entities: list[JSONDict] = []

    # -- helpers ---------------------------------------------------------------------------

    def char(self, index: int) -> str:
        return self.source[index] if index < self.size else "\0"

    def is_space(self, index: int) -> bool:
        return self.char(index) in _SPACES

    def skip_spaces(self, index: int) -> int:
        while index < self.size and self.is_space(index):
            index += 1
        return index

    def byte_offset(self, index: int) -> int:
        return len(self.source[:index].encode("utf-8", "surrogatepass"))

    def fail(self, reason: str) -> NoReturn:
        raise HtmlParseError(reason)

    def emit(self, character: str) -> None:
        self.output.append(character)
        self.utf16_offset += 2 if ord(character) > 0xFFFF else 1

    # -- the parse -------------------------------------------------------------------------

    def parse(self) -> ParsedText:
        index = 0
        while index < self.size:
            character = self.source[index]
            if character == "&":
                decoded, index = self.entity(index)
                self.emit(decoded)
            elif character == "<":
                index = self.tag(index)
            else:
                self.emit(character)
                index += 1
        if self.open_tags:
            name = self.open_tags[-1].name
            self.fail(f'Can\'t find end tag corresponding to start tag "{name}"')
        text = "".join(self.output)
        if any(0xD800 <= ord(character) <= 0xDFFF for character in text):
            self.fail(
                "Text contains invalid Unicode characters after decoding HTML entities, "
                "check for unmatched surrogate code units"
            )
        for entity in self.entities:
            entity.pop("_language", None)
        self.entities.sort(
            key=lambda e: (e["offset"], -e["length"], _ENTITY_PRIORITY.get(e["type"], 50))
        )
        return ParsedText(text, self.entities)

    def entity(self, index: int) -> tuple[str, int]:
        """Decode the ``&...`` at ``index``; returns (character, next index)."""
        decoded = _decode_entity(self.source, index)
        if decoded is not None:
            character, end, terminated = decoded
            if terminated or not self.strict:
                return character, end
            entity_text = self.source[index:end]
            self.fail(
                f'HTML entity "{entity_text}" at byte offset {self.byte_offset(index)} '
                'must end with ";" (strict check)'
            )
        if not self.strict:
            return "&", index + 1
        looks_like_entity = re.match(r"&#?[A-Za-z0-9]+;", self.source[index : index + 40])
        if looks_like_entity:
            self.fail(
                f'Unsupported HTML entity "{looks_like_entity.group()}" at byte offset '
                f"{self.byte_offset(index)} (strict check: only &lt; &gt; &amp; &quot; "
                "and numeric entities are supported)"
            )
        self.fail(
            f'Unescaped "&" at byte offset {self.byte_offset(index)}; '
            'write it as "&amp;" (strict check)'
        )

    def tag(self, begin: int) -> int:
        if self.char(begin + 1) == "/":
            return self.end_tag(begin)
        return self.start_tag(begin)

    def start_tag(self, begin: int) -> int:
        offset = self.byte_offset(begin)
        index = begin + 1
        while not self.is_space(index) and self.char(index) != ">":
            index += 1
        if index >= self.size:
            self.fail(f"Unclosed start tag at byte offset {offset}")
        name = self.source[begin + 1 : index].lower()
        if name not in SUPPORTED_TAGS:
            self.fail(f'Unsupported start tag "{name}" at byte offset {offset}')

        attributes: dict[str, str] = {}
        while self.char(index) != ">":
            index = self.skip_spaces(index)
            if self.char(index) == ">":
                break
            index = self.attribute(name, offset, index, attributes)

        argument = self.tag_argument(name, attributes)
        if name == "span" and argument != "spoiler":
            self.fail(f'Tag "span" must have class "tg-spoiler" at byte offset {offset}')
        self.open_tags.append(_OpenTag(name, argument, self.utf16_offset, len(self.output)))
        return index + 1

    def attribute(self, tag: str, tag_offset: int, index: int, into: dict[str, str]) -> int:
        """Read one ``name``, ``name=token`` or ``name="string"``; returns the next index."""
        start = index
        while not self.is_space(index) and self.char(index) not in "=>":
            index += 1
        name = self.source[start:index]
        if not name:
            self.fail(f'Empty attribute name in the tag "{tag}" at byte offset {tag_offset}')
        index = self.skip_spaces(index)
        if self.char(index) != "=":
            if index >= self.size:
                self.fail(f'Unclosed start tag "{tag}" at byte offset {tag_offset}')
            into[name] = ""  # an attribute without a value, like "expandable"
            return index
        index = self.skip_spaces(index + 1)
        if index >= self.size:
            self.fail(f'Unclosed start tag "{tag}" at byte offset {tag_offset}')
        if self.char(index) in "'\"":
            value, index = self.quoted_value(index)
        else:
            token_start = index
            while self.char(index) in _NAME_TOKEN_CHARS:
                index += 1
            value = self.source[token_start:index].lower()
            if not self.is_space(index) and self.char(index) != ">":
                token_offset = self.byte_offset(token_start)
                self.fail(f"Unexpected end of name token at byte offset {token_offset}")
        if index >= self.size:
            self.fail(f"Unclosed start tag at byte offset {tag_offset}")
        into[name] = value
        return index

    def quoted_value(self, index: int) -> tuple[str, int]:
        quote = self.source[index]
        index += 1
        value: list[str] = []
        while index < self.size and self.source[index] != quote:
            if self.source[index] == "&":
                character, index = self.entity(index)
                value.append(character)
            else:
                value.append(self.source[index])
                index += 1
        if index < self.size:
            index += 1  # the closing quote
        return "".join(value), index

    @staticmethod
    def tag_argument(name: str, attributes: dict[str, str]) -> str:
        """The one attribute value each tag cares about (the rest are ignored, like Telegram)."""
        if name == "a":
            return attributes.get("href", "")
        if name == "code":
            css_class = attributes.get("class", "")
            return css_class[len("language-") :] if css_class.startswith("language-") else ""
        if name == "span":
            css_class = attributes.get("class", "")
            return css_class[len("tg-") :] if css_class.startswith("tg-") else ""
        if name == "tg-emoji":
            return attributes.get("emoji-id", "")
        if name == "blockquote":
            return "1" if "expandable" in attributes else ""
        return ""

    def end_tag(self, begin: int) -> int:
        offset = self.byte_offset(begin)
        if not self.open_tags:
            self.fail(f"Unexpected end tag at byte offset {offset}")
        index = begin + 2
        while not self.is_space(index) and self.char(index) != ">":
            index += 1
        name = self.source[begin + 2 : index].lower()
        index = self.skip_spaces(index)
        if self.char(index) != ">":
            self.fail(f"Unclosed end tag at byte offset {offset}")
        open_tag = self.open_tags[-1]
        if name and name != open_tag.name:
            self.fail(
                f'Unmatched end tag at byte offset {offset}, expected "</{open_tag.name}>", '
                f'found "</{name}>"'
            )
        self.close(open_tag)
        self.open_tags.pop()
        return index + 1

    def close(self, tag: _OpenTag) -> None:
        """Turn a closed tag into its entity, as tdlib does (empty tags make no entity)."""
        offset = tag.utf16_offset
        length = self.utf16_offset - offset
        if length <= 0:
            return
        entity: JSONDict = {"offset": offset, "length": length}
        if tag.name in _SIMPLE_TAG_ENTITIES:
            entity["type"] = _SIMPLE_TAG_ENTITIES[tag.name]
        elif tag.name == "tg-emoji":
            emoji_id = tag.argument
            if not (emoji_id.isascii() and emoji_id.isdigit() and 0 < int(emoji_id) < 2**63):
                self.fail("Invalid custom emoji identifier specified")
            entity.update(type="custom_emoji", custom_emoji_id=emoji_id)
        elif tag.name == "a":
            url = _checked_url(tag.argument or "".join(self.output[tag.output_position :]))
            if url is None:
                return
            entity.update(type="text_link", url=url)
        elif tag.name == "blockquote":
            entity["type"] = "expandable_blockquote" if tag.argument else "blockquote"
        elif self.merge_pre_and_code(tag, offset, length):
            return
        else:
            entity["type"] = tag.name  # "pre" or "code"
            if tag.name == "code" and tag.argument:
                entity["_language"] = tag.argument
        self.entities.append(entity)

    def merge_pre_and_code(self, tag: _OpenTag, offset: int, length: int) -> bool:
        """``<pre><code class="language-x">`` (either nesting order) is one pre entity."""
        if not self.entities:
            return False
        last = self.entities[-1]
        if last["offset"] != offset or last["length"] != length:
            return False
        if tag.name == "pre" and last["type"] == "code" and last.get("_language"):
            last.update(type="pre", language=last.pop("_language"))
            return True
        if tag.name == "code" and last["type"] == "pre" and tag.argument:
            last["language"] = tag.argument
            return True
        return False


# ---------------------------------------------------------------------------------------------
# Lengths
# ---------------------------------------------------------------------------------------------


def _visible_or_error(text: str, parse_mode_html: bool) -> tuple[str | None, str | None]:
    if not parse_mode_html:
        return text, None
    try:
        return visible_text(text), None
    except HtmlParseError as error:
        return None, PARSE_ERROR_PREFIX + str(error)


def text_length_error(
    text: str, parse_mode_html: bool = True, *, limit: int = MESSAGE_TEXT_LIMIT
) -> str | None:
    """Telegram's empty/too-long check for a message text, measured after entity parsing.

    Telegram trims surrounding whitespace and counts UTF-16 code units. Invalid HTML can't be
    measured, so its parse error is returned instead.
    """
    visible, error = _visible_or_error(text, parse_mode_html)
    if visible is None:
        return error
    trimmed = visible.strip()
    if not trimmed:
        return TEXT_EMPTY
    if utf16_length(trimmed) > limit:
        return TEXT_TOO_LONG
    return None


def caption_length_error(caption: str, parse_mode_html: bool = True) -> str | None:
    """Like :func:`text_length_error` for captions: 1024 units, and an empty caption is fine."""
    visible, error = _visible_or_error(caption, parse_mode_html)
    if visible is None:
        return error
    if utf16_length(visible.strip()) > CAPTION_LIMIT:
        return CAPTION_TOO_LONG
    return None


def message_text_error(text: object, parse_mode: object = None) -> str | None:
    """Every check on a message text: type, HTML (when parse_mode is HTML), empty, too long."""
    if text is None or text == "":
        return TEXT_EMPTY
    if not isinstance(text, str):
        return 'Bad Request: field "text" must be of type String'
    return text_length_error(text, is_html(parse_mode))


def caption_error(caption: object, parse_mode: object = None) -> str | None:
    """Every check on a caption: type, HTML (when parse_mode is HTML), too long."""
    if caption is None or caption == "":
        return None
    if not isinstance(caption, str):
        return 'Bad Request: field "caption" must be of type String'
    return caption_length_error(caption, is_html(parse_mode))


# ---------------------------------------------------------------------------------------------
# Keyboards, inline results, commands
# ---------------------------------------------------------------------------------------------


def callback_answer_error(text: object) -> str | None:
    """An answerCallbackQuery text: Telegram shows at most 200 characters."""
    if isinstance(text, str) and len(text) > CALLBACK_ANSWER_LIMIT:
        return CALLBACK_ANSWER_TOO_LONG
    return None


def callback_data_error(reply_markup: JSONDict | None) -> str | None:
    """Check an inline keyboard's buttons like Telegram; other markups pass unchecked.

    Callback data must be 1-64 bytes of UTF-8, a url button needs a url, and a button must do
    something (a text-only button is refused in inline keyboards).
    """
    if not reply_markup or "inline_keyboard" not in reply_markup:
        return None
    rows = reply_markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        return INLINE_KEYBOARD_NOT_ARRAYS
    for row in rows:
        for button in row:
            error = _button_error(button)
            if error:
                return error
    return None


def _button_error(button: object) -> str | None:
    if not isinstance(button, dict):
        return "Bad Request: can't parse inline keyboard button: object expected"
    if "callback_data" in button:
        data = button["callback_data"]
        size = len(data.encode("utf-8")) if isinstance(data, str) else 0
        return None if 1 <= size <= CALLBACK_DATA_LIMIT else BUTTON_DATA_INVALID
    if "url" in button:
        return None if button["url"] else BUTTON_URL_INVALID
    if _OTHER_BUTTON_KINDS.intersection(button):
        return None
    return TEXT_BUTTONS_UNALLOWED


def inline_results_error(results: object) -> str | None:
    """answerInlineQuery's checks: at most 50 results, unique ids of 1-64 bytes, valid texts."""
    if not isinstance(results, list):
        return 'Bad Request: field "results" must be an Array'
    if len(results) > INLINE_RESULTS_LIMIT:
        return RESULTS_TOO_MUCH
    seen: set[str] = set()
    for result in results:
        if not isinstance(result, dict):
            return "Bad Request: can't parse InlineQueryResult: object expected"
        result_id = str(result.get("id", ""))
        if not 1 <= len(result_id.encode("utf-8")) <= INLINE_RESULT_ID_LIMIT:
            return RESULT_ID_INVALID
        if result_id in seen:
            return RESULT_ID_DUPLICATE
        seen.add(result_id)
        error = _inline_result_content_error(result)
        if error:
            return error
    return None


def _inline_result_content_error(result: JSONDict) -> str | None:
    content = result.get("input_message_content")
    if isinstance(content, dict) and "message_text" in content:
        error = message_text_error(content["message_text"], content.get("parse_mode"))
        if error:
            return error
    if "caption" in result:
        error = caption_error(result["caption"], result.get("parse_mode"))
        if error:
            return error
    return callback_data_error(result.get("reply_markup"))


def bot_commands_error(commands: object) -> str | None:
    """setMyCommands' checks: at most 100 commands, names ``[a-z0-9_]{1,32}``, 1-256 char text."""
    if not isinstance(commands, list):
        return 'Bad Request: field "commands" must be an Array'
    if len(commands) > BOT_COMMANDS_LIMIT:
        return BOT_COMMANDS_TOO_MUCH
    for command in commands:
        if not isinstance(command, dict):
            return "Bad Request: can't parse BotCommand: object expected"
        if not _COMMAND_NAME.fullmatch(str(command.get("command", ""))):
            return BOT_COMMAND_INVALID
        description = str(command.get("description", "")).strip()
        if not description:
            return COMMAND_DESCRIPTION_EMPTY
        if len(description) > 256:
            return COMMAND_DESCRIPTION_TOO_LONG
    return None
