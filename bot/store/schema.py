"""The schema, as an ordered list of migrations, and the code that applies them."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Final

from bot.store.errors import StoreError
from bot.store.models import Status

if TYPE_CHECKING:
    import aiosqlite

_STATUS_LIST = ", ".join(f"'{status}'" for status in Status)

# PRAGMA user_version, so changing an old script would fork the schema.
MIGRATIONS: Final[tuple[str, ...]] = (
    f"""
    CREATE TABLE users (
        user_id INTEGER PRIMARY KEY,
        language TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );

    CREATE TABLE chats (
        chat_id INTEGER PRIMARY KEY,
        title TEXT,
        enrolled INTEGER NOT NULL DEFAULT 0 CHECK (enrolled IN (0, 1)),
        enrolled_by INTEGER,
        enrolled_at TEXT,
        disabled_by INTEGER,
        disabled_at TEXT,
        watch INTEGER NOT NULL DEFAULT 0 CHECK (watch IN (0, 1)),
        board_message_id INTEGER,
        -- Only ever grows, so a purged or retracted number is never handed out again.
        last_flag_number INTEGER NOT NULL DEFAULT 0,
        migrated_from INTEGER
    );

    CREATE TABLE rounds (
        id INTEGER PRIMARY KEY,
        chat_id INTEGER NOT NULL REFERENCES chats (chat_id) ON UPDATE CASCADE,
        name TEXT NOT NULL,
        -- casefold() of name: SQLite's NOCASE folds ASCII only, names are often Cyrillic.
        name_key TEXT NOT NULL,
        started_at TEXT NOT NULL,
        started_by INTEGER,
        ended_at TEXT,
        ended_by INTEGER
    );
    CREATE UNIQUE INDEX rounds_one_open ON rounds (chat_id) WHERE ended_at IS NULL;
    CREATE INDEX rounds_by_name ON rounds (chat_id, name_key);

    CREATE TABLE flags (
        id INTEGER PRIMARY KEY,
        chat_id INTEGER NOT NULL REFERENCES chats (chat_id) ON UPDATE CASCADE,
        number INTEGER NOT NULL CHECK (number > 0),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        round_id INTEGER REFERENCES rounds (id),
        round_name TEXT,
        text TEXT NOT NULL,
        speaker TEXT,
        speaker_key TEXT,
        flagged_by_id INTEGER NOT NULL,
        flagged_by_name TEXT NOT NULL,
        message_id INTEGER,
        source_message_id INTEGER,
        source_link TEXT,
        source_author TEXT,
        confirmation_message_id INTEGER,
        status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ({_STATUS_LIST})),
        assignee TEXT,
        note TEXT,
        matches TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(matches)),
        retracted_at TEXT,
        retract_reason TEXT,
        UNIQUE (chat_id, number)
    );
    -- speaker_key and retracted_at ride along so that counting a chat's flags by
    -- speaker or liveness reads this index alone, not a scattered row per flag.
    CREATE INDEX flags_by_status
        ON flags (chat_id, status, number, speaker_key, retracted_at);
    -- Leads with round_id for the foreign-key check when a round is deleted;
    -- chat_id makes the chat-scoped round filter an index-only count.
    CREATE INDEX flags_by_round ON flags (round_id, number, chat_id);
    CREATE INDEX flags_by_message ON flags (chat_id, message_id)
        WHERE message_id IS NOT NULL;
    CREATE INDEX flags_by_source_message ON flags (chat_id, source_message_id)
        WHERE source_message_id IS NOT NULL;
    CREATE INDEX flags_by_time ON flags (created_at);

    CREATE TABLE flag_events (
        id INTEGER PRIMARY KEY,
        flag_id INTEGER NOT NULL REFERENCES flags (id) ON DELETE CASCADE,
        at TEXT NOT NULL,
        action TEXT NOT NULL,
        old_value TEXT,
        new_value TEXT,
        note TEXT,
        by_id INTEGER,
        by_name TEXT
    );
    CREATE INDEX flag_events_by_flag ON flag_events (flag_id, id);

    -- Search terms carry their chat ("n1001234567890xgrain", made by the
    -- search_terms_v1() function the store registers), so a term's doclist, and
    -- the statistics bm25 gathers from it, cover one chat rather than all of
    -- them: with plain words, bm25 walked every chat's matches for a common word.
    -- The view is the external content, so 'rebuild' and 'integrity-check' work.
    CREATE VIEW flags_search AS
        SELECT id,
               search_terms_v1(chat_id, text) AS text,
               search_terms_v1(chat_id, speaker) AS speaker,
               search_terms_v1(chat_id, note) AS note
        FROM flags;
    CREATE VIRTUAL TABLE flags_fts USING fts5 (
        text, speaker, note,
        content = 'flags_search', content_rowid = 'id',
        tokenize = 'unicode61 remove_diacritics 0'
    );

    -- add_flag is one INSERT; these keep the counter, the history and the index in
    -- the same statement, hence the same implicit transaction.
    CREATE TRIGGER flags_after_insert AFTER INSERT ON flags BEGIN
        INSERT INTO chats (chat_id, last_flag_number) VALUES (new.chat_id, new.number)
            ON CONFLICT (chat_id) DO UPDATE
            SET last_flag_number = max(last_flag_number, excluded.last_flag_number);
        INSERT INTO flag_events (flag_id, at, action, new_value, note, by_id, by_name)
            VALUES (new.id, new.created_at, 'created', new.status, new.note,
                    new.flagged_by_id, new.flagged_by_name);
        INSERT INTO flags_fts (rowid, text, speaker, note)
            VALUES (new.id, search_terms_v1(new.chat_id, new.text),
                    search_terms_v1(new.chat_id, new.speaker),
                    search_terms_v1(new.chat_id, new.note));
    END;

    CREATE TRIGGER flags_after_delete AFTER DELETE ON flags BEGIN
        INSERT INTO flags_fts (flags_fts, rowid, text, speaker, note)
            VALUES ('delete', old.id, search_terms_v1(old.chat_id, old.text),
                    search_terms_v1(old.chat_id, old.speaker),
                    search_terms_v1(old.chat_id, old.note));
    END;

    CREATE TRIGGER flags_after_update AFTER UPDATE OF chat_id, text, speaker, note ON flags
    BEGIN
        INSERT INTO flags_fts (flags_fts, rowid, text, speaker, note)
            VALUES ('delete', old.id, search_terms_v1(old.chat_id, old.text),
                    search_terms_v1(old.chat_id, old.speaker),
                    search_terms_v1(old.chat_id, old.note));
        INSERT INTO flags_fts (rowid, text, speaker, note)
            VALUES (new.id, search_terms_v1(new.chat_id, new.text),
                    search_terms_v1(new.chat_id, new.speaker),
                    search_terms_v1(new.chat_id, new.note));
    END;
    """,
    # 2: a Telegram message is known by its chat and its id in that chat. A group
    # that became a supergroup numbers messages afresh, so after a migration an id
    # alone names two messages. Flags made before the migration belong to the old
    # group (chats.migrated_from); a reply-flag with a link was made in the
    # supergroup, since a basic group's messages have no links.
    """
    ALTER TABLE flags ADD COLUMN message_chat_id INTEGER;
    ALTER TABLE flags ADD COLUMN message_date INTEGER;
    ALTER TABLE flags ADD COLUMN confirmation_chat_id INTEGER;
    UPDATE flags SET message_chat_id = coalesce(
        (SELECT chats.migrated_from FROM chats
         WHERE chats.chat_id = flags.chat_id AND flags.source_link IS NULL),
        flags.chat_id
    );
    UPDATE flags SET confirmation_chat_id = message_chat_id
        WHERE confirmation_message_id IS NOT NULL;
    DROP INDEX flags_by_message;
    DROP INDEX flags_by_source_message;
    CREATE INDEX flags_by_message ON flags (message_chat_id, message_id)
        WHERE message_id IS NOT NULL;
    CREATE INDEX flags_by_source_message ON flags (message_chat_id, source_message_id)
        WHERE source_message_id IS NOT NULL;
    -- A board posted in the old group can never be edited from the new one.
    UPDATE chats SET board_message_id = NULL WHERE migrated_from IS NOT NULL;
    """,
    # 3: the outbox. What the bot has to say about a change is written in the same
    # transaction as the change, and deleted once Telegram has it, so a crash between
    # the two loses nothing and repeats at most one message per item. A flag with an
    # announce_lang (one made in a chat, not imported) queues its confirmation; any
    # change a chat's board shows queues one board refresh (a second one is the same).
    """
    ALTER TABLE flags ADD COLUMN thread_id INTEGER;
    ALTER TABLE flags ADD COLUMN announce_lang TEXT;
    ALTER TABLE chats ADD COLUMN board_lang TEXT;
    ALTER TABLE chats ADD COLUMN board_thread_id INTEGER;

    CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        chat_id INTEGER NOT NULL REFERENCES chats (chat_id)
            ON UPDATE CASCADE ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('confirmation', 'notice', 'board')),
        flag_id INTEGER REFERENCES flags (id) ON DELETE CASCADE,
        detail TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(detail)),
        created_at TEXT NOT NULL
    );
    CREATE INDEX outbox_by_chat ON outbox (chat_id, id);
    CREATE INDEX outbox_by_flag ON outbox (flag_id) WHERE flag_id IS NOT NULL;
    CREATE UNIQUE INDEX outbox_one_board ON outbox (chat_id) WHERE kind = 'board';

    DROP TRIGGER flags_after_insert;
    CREATE TRIGGER flags_after_insert AFTER INSERT ON flags BEGIN
        INSERT INTO chats (chat_id, last_flag_number) VALUES (new.chat_id, new.number)
            ON CONFLICT (chat_id) DO UPDATE
            SET last_flag_number = max(last_flag_number, excluded.last_flag_number);
        INSERT INTO flag_events (flag_id, at, action, new_value, note, by_id, by_name)
            VALUES (new.id, new.created_at, 'created', new.status, new.note,
                    new.flagged_by_id, new.flagged_by_name);
        INSERT INTO flags_fts (rowid, text, speaker, note)
            VALUES (new.id, search_terms_v1(new.chat_id, new.text),
                    search_terms_v1(new.chat_id, new.speaker),
                    search_terms_v1(new.chat_id, new.note));
        INSERT INTO outbox (chat_id, kind, flag_id, created_at)
            SELECT new.chat_id, 'confirmation', new.id, new.created_at
            WHERE new.announce_lang IS NOT NULL;
        INSERT OR IGNORE INTO outbox (chat_id, kind, created_at)
            SELECT chat_id, 'board', new.created_at FROM chats
            WHERE chat_id = new.chat_id AND board_message_id IS NOT NULL;
    END;

    CREATE TRIGGER flags_board_after_update
    AFTER UPDATE OF status, retracted_at, text, speaker ON flags BEGIN
        INSERT OR IGNORE INTO outbox (chat_id, kind, created_at)
            SELECT chat_id, 'board', new.updated_at FROM chats
            WHERE chat_id = new.chat_id AND board_message_id IS NOT NULL;
    END;
    """,
    # 4: an assignment gives the right to give a verdict only when the flagger or a
    # chat admin made it. Who was an admin then is not known, so of the assignments
    # made before this rule only the flagger's own keep that right.
    """
    ALTER TABLE flags ADD COLUMN assignee_may_judge INTEGER NOT NULL DEFAULT 0
        CHECK (assignee_may_judge IN (0, 1));
    UPDATE flags SET assignee_may_judge = 1
        WHERE assignee IS NOT NULL
          AND (SELECT e.by_id FROM flag_events AS e
               WHERE e.flag_id = flags.id AND e.action = 'assign'
               ORDER BY e.id DESC LIMIT 1) = flags.flagged_by_id;
    """,
    # 5: each chat's time zone (an IANA name) for what people read; NULL is UTC.
    """
    ALTER TABLE chats ADD COLUMN timezone TEXT;
    """,
    # 6: talking points, prepared before and during a round (bot/points.py). A point
    # added while no round is open waits (round_id NULL) and joins the next round to
    # start, by trigger, so no code path that starts a round can forget it. A removed
    # point keeps its row and history (removed_at); purge and retention delete it.
    """
    CREATE TABLE points (
        id INTEGER PRIMARY KEY,
        chat_id INTEGER NOT NULL REFERENCES chats (chat_id) ON UPDATE CASCADE,
        round_id INTEGER REFERENCES rounds (id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        text TEXT NOT NULL,
        proposed_by_id INTEGER NOT NULL,
        proposed_by_name TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        removed_at TEXT
    );
    CREATE INDEX points_by_chat ON points (chat_id, round_id, position);
    -- Leads with round_id for the foreign-key check when a round is deleted.
    CREATE INDEX points_by_round ON points (round_id);
    CREATE INDEX points_by_time ON points (created_at);

    CREATE TABLE point_events (
        id INTEGER PRIMARY KEY,
        point_id INTEGER NOT NULL REFERENCES points (id) ON DELETE CASCADE,
        at TEXT NOT NULL,
        action TEXT NOT NULL,
        old_value TEXT,
        new_value TEXT,
        by_id INTEGER,
        by_name TEXT
    );
    CREATE INDEX point_events_by_point ON point_events (point_id, id);

    CREATE TRIGGER points_join_new_round AFTER INSERT ON rounds BEGIN
        UPDATE points SET round_id = new.id
        WHERE chat_id = new.chat_id AND round_id IS NULL;
    END;
    """,
    # 7: the register of their definitions (bot/definitions.py): what the other side
    # said a term means, and which terms the team asked them to define. Rows are never
    # changed (a correction is a new row); purge and retention delete them. A round's
    # name is kept beside its id, so a definition outlives a round retention removes.
    """
    CREATE TABLE definitions (
        id INTEGER PRIMARY KEY,
        chat_id INTEGER NOT NULL REFERENCES chats (chat_id) ON UPDATE CASCADE,
        -- The playbook term's key, or NULL for a phrase the playbook does not have.
        term_key TEXT,
        phrase TEXT NOT NULL,
        text TEXT NOT NULL,
        speaker TEXT,
        round_id INTEGER REFERENCES rounds (id) ON DELETE SET NULL,
        round_name TEXT,
        recorded_by_id INTEGER NOT NULL,
        recorded_by_name TEXT NOT NULL,
        -- The message a reply-define took its text from.
        message_id INTEGER,
        created_at TEXT NOT NULL
    );
    CREATE INDEX definitions_by_term ON definitions (chat_id, term_key, id);
    CREATE INDEX definitions_by_round ON definitions (round_id);
    CREATE INDEX definitions_by_time ON definitions (created_at);

    CREATE TABLE definition_asks (
        id INTEGER PRIMARY KEY,
        chat_id INTEGER NOT NULL REFERENCES chats (chat_id) ON UPDATE CASCADE,
        term_key TEXT,
        phrase TEXT NOT NULL,
        round_id INTEGER REFERENCES rounds (id) ON DELETE SET NULL,
        round_name TEXT,
        asked_by_id INTEGER NOT NULL,
        asked_by_name TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE INDEX definition_asks_by_term ON definition_asks (chat_id, term_key, id);
    CREATE INDEX definition_asks_by_round ON definition_asks (round_id);
    CREATE INDEX definition_asks_by_time ON definition_asks (created_at);
    """,
    # 8: every announcement by trigger, none by code. The outbox was filled both ways
    # (a flag's confirmation and the live list by trigger, a verdict's notice by the
    # code that stored it, an assignment not at all, so a crash lost it). Triggers win:
    # a row in a flag's history is the change, and the trigger on it queues what the
    # group hears in the same statement, whichever code wrote it; a change that
    # changed nothing writes no history and so announces nothing; and a new flag
    # stays one INSERT, which the group commit shares among concurrent flags.
    # SQLite cannot change a CHECK, so the outbox is made anew for the 'assignment'
    # kind; legacy_alter_table keeps the rename from rewriting (and rejecting) the
    # triggers on flags that name the outbox while it is being replaced.
    """
    CREATE TABLE outbox_v8 (
        id INTEGER PRIMARY KEY,
        chat_id INTEGER NOT NULL REFERENCES chats (chat_id)
            ON UPDATE CASCADE ON DELETE CASCADE,
        kind TEXT NOT NULL
            CHECK (kind IN ('confirmation', 'notice', 'assignment', 'board')),
        flag_id INTEGER REFERENCES flags (id) ON DELETE CASCADE,
        detail TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(detail)),
        created_at TEXT NOT NULL
    );
    INSERT INTO outbox_v8 (id, chat_id, kind, flag_id, detail, created_at)
        SELECT id, chat_id, kind, flag_id, detail, created_at FROM outbox;
    PRAGMA legacy_alter_table = ON;
    DROP TABLE outbox;
    ALTER TABLE outbox_v8 RENAME TO outbox;
    PRAGMA legacy_alter_table = OFF;
    CREATE INDEX outbox_by_chat ON outbox (chat_id, id);
    CREATE INDEX outbox_by_flag ON outbox (flag_id) WHERE flag_id IS NOT NULL;
    CREATE UNIQUE INDEX outbox_one_board ON outbox (chat_id) WHERE kind = 'board';

    -- A verdict tells the flagger ('notice'); an assignment tells the group who has
    -- work to do ('assignment'); unassigning says nothing.
    CREATE TRIGGER flag_events_announce
    AFTER INSERT ON flag_events
    WHEN new.action = 'status' OR (new.action = 'assign' AND new.new_value IS NOT NULL)
    BEGIN
        INSERT INTO outbox (chat_id, kind, flag_id, detail, created_at)
            SELECT chat_id,
                   CASE new.action WHEN 'status' THEN 'notice' ELSE 'assignment' END,
                   new.flag_id,
                   json_object(CASE new.action WHEN 'status' THEN 'status' ELSE 'assignee' END,
                               new.new_value, 'by_id', new.by_id, 'by_name', new.by_name),
                   new.at
            FROM flags WHERE id = new.flag_id;
    END;
    """,
    # 9: the language a group speaks (bot.language): set when it is enrolled, changed
    # with /settings language. A chat enrolled before takes its enroller's /lang, if
    # they chose one; else NULL, the bot's default.
    """
    ALTER TABLE chats ADD COLUMN language TEXT CHECK (language IN ('en', 'uk'));
    UPDATE chats SET language =
        (SELECT users.language FROM users WHERE users.user_id = chats.enrolled_by)
        WHERE enrolled = 1;
    """,
    # 10: "seen before" (bot/sameness.py). A flag keeps the number of the earlier flag
    # of its chat that said the same claim, chosen when it is flagged or edited; the
    # earlier flag's verdict is read when the link is shown, so it is always current.
    # flag_refs indexes each flag's playbook matches by chat, so the flags that matched
    # the same known claim are found without reading the chat's whole log.
    """
    ALTER TABLE flags ADD COLUMN seen_before INTEGER;
    -- What the matcher read in the statement (bot.sameness.stored), so a flag compared
    -- with a new one is not read again; NULL for flags made before: read then.
    ALTER TABLE flags ADD COLUMN seen_key TEXT;
    -- The later flags that repeat one, for its verdict's notice.
    CREATE INDEX flags_by_seen_before ON flags (chat_id, seen_before)
        WHERE seen_before IS NOT NULL;

    -- How many flags of a chat have a word (its terms carry the chat): the lookup
    -- asks the full-text index only for a statement's rarer words.
    CREATE VIRTUAL TABLE flags_fts_vocab USING fts5vocab (flags_fts, 'col');

    CREATE TABLE flag_refs (
        chat_id INTEGER NOT NULL,
        ref TEXT NOT NULL,
        flag_id INTEGER NOT NULL REFERENCES flags (id) ON DELETE CASCADE,
        PRIMARY KEY (chat_id, ref, flag_id)
    ) WITHOUT ROWID;
    CREATE INDEX flag_refs_by_flag ON flag_refs (flag_id);
    INSERT OR IGNORE INTO flag_refs (chat_id, ref, flag_id)
        SELECT flags.chat_id, refs.value, flags.id FROM flags, json_each(flags.matches) AS refs;

    CREATE TRIGGER flag_refs_after_insert AFTER INSERT ON flags BEGIN
        INSERT OR IGNORE INTO flag_refs (chat_id, ref, flag_id)
            SELECT new.chat_id, value, new.id FROM json_each(new.matches);
    END;
    -- An edited statement mentions other entries (FlagLog.edit_text).
    CREATE TRIGGER flag_refs_after_rematch AFTER UPDATE OF matches ON flags BEGIN
        DELETE FROM flag_refs WHERE flag_id = new.id;
        INSERT OR IGNORE INTO flag_refs (chat_id, ref, flag_id)
            SELECT new.chat_id, value, new.id FROM json_each(new.matches);
    END;
    -- A group that became a supergroup takes its log along (Store.migrate_chat).
    CREATE TRIGGER flag_refs_after_move AFTER UPDATE OF chat_id ON flags BEGIN
        UPDATE flag_refs SET chat_id = new.chat_id WHERE flag_id = new.id;
    END;
    """,
)


async def migrate(connection: aiosqlite.Connection, path: Path) -> None:
    while True:
        rows = list(await connection.execute_fetchall("PRAGMA user_version"))
        version = int(rows[0][0])
        if version > len(MIGRATIONS):
            raise StoreError(
                f"{path} has schema version {version}, newer than this bot knows "
                f"({len(MIGRATIONS)}); upgrade the bot"
            )
        if version == len(MIGRATIONS):
            return
        script = MIGRATIONS[version]
        try:
            await connection.executescript(
                f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {version + 1};\nCOMMIT;"
            )
        except sqlite3.Error:
            await connection.rollback()
            # Another process opening the same file may have applied it first.
            rows = list(await connection.execute_fetchall("PRAGMA user_version"))
            if int(rows[0][0]) <= version:
                raise
