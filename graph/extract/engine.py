"""The extraction engine: a document and the known entities in, proposed mentions, new names
and claims (with offsets, qualifiers, attribution and a confidence) out.

Claims come from the trigger rules of ``graph/schema/extraction/<lang>.yaml`` applied sentence
by sentence: a trigger says where its subject and object sit; names of the types the ontology
allows for the predicate fill them (lists of names are followed across commas and "et"/"and"),
and qualifiers are the date, amount and status words nearest to the trigger.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from graph.extract.document import Document
from graph.extract.mentions import (
    Gazetteer,
    Mention,
    anaphora,
    capitalised_names,
    fold,
    guess_type,
    main_entity,
    new_key,
    tokens,
)
from graph.extract.nlp import has_ner, pipeline
from graph.extract.qualifiers import AmountSpan, DateSpan, find_amounts, find_dates, find_status
from graph.extract.rules import Rules, Trigger, load_rules
from graph.vocabulary import Vocabulary, load_vocabulary

BODY_GAP = 4  # paragraphs without an actor's name that end the article body
LIST_GAP = 90  # longest text between two names of one list
NON_ACTORS = ("Jurisdiction", "Sector", "Product", "Patent")


@dataclass
class ClaimCandidate:
    """A proposed claim: subject/object are entity ids or ``new:<name>`` keys."""

    key: str
    subject: str
    predicate: str
    object: str | None = None
    value: str | None = None
    date: str | None = None
    amount: str | None = None
    currency: str | None = None
    status: str | None = None
    kind: str | None = None
    role: str | None = None
    chars: tuple[int, int] = (0, 0)  # the evidence: the sentence
    trigger: tuple[int, int] = (0, 0)
    line: int = 1
    confidence: float = 0.5
    attributed_to: str | None = None
    reasons: list[str] = field(default_factory=list)
    evidence: list[tuple[int, int]] = field(default_factory=list)  # further sentences saying it

    def triple(self) -> tuple[str, str, str]:
        return (self.subject, self.predicate, self.object or f"={self.value}")

    def qualifiers(self) -> dict[str, str | None]:
        return {"date": self.date, "amount": self.amount, "currency": self.currency,
                "status": self.status, "kind": self.kind}


@dataclass
class NewEntity:
    """A name no known entity has, with a proposed class."""

    key: str
    name: str
    type: str
    mentions: list[tuple[int, int]]
    confidence: float
    found_by: str  # ner | rules


@dataclass
class Citation:
    """Reported speech: ``entity`` is the primary source of the sentence at ``chars``."""

    entity: str
    chars: tuple[int, int]
    date: str | None = None


@dataclass
class Extraction:
    document: Document
    body: tuple[int, int]
    main: str | None
    mentions: list[Mention]
    new_entities: list[NewEntity]
    claims: list[ClaimCandidate]
    citations: list[Citation]
    seconds: dict[str, float] = field(default_factory=dict)

    def line_of(self, offset: int) -> int:
        return self.document.text.count("\n", 0, offset) + 1


@dataclass
class _Sentence:
    start: int
    end: int
    paragraph: int
    verbs: list[tuple[int, int]]  # finite verbs and auxiliaries (not participles)


def line_spans(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for line in text.split("\n"):
        if line.strip():
            spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def find_body(text: str, mentions: list[Mention], gaz: Gazetteer, gap: int = BODY_GAP) -> tuple[int, int]:
    """Where the article ends: after the last paragraph naming an actor before ``gap``
    paragraphs in a row name none (teasers of other articles, reader comments)."""
    paragraphs = line_spans(text)
    if not paragraphs:
        return (0, len(text))
    hits = [False] * len(paragraphs)
    j = 0
    for m in sorted(mentions, key=lambda m: m.start):
        if m.kind != "known" or (gaz.is_a(m.types, NON_ACTORS) and not gaz.is_a(m.types, ["Actor"])):
            continue
        while j < len(paragraphs) and paragraphs[j][1] < m.start:
            j += 1
        if j < len(paragraphs):
            hits[j] = True
    last = -1
    for i, hit in enumerate(hits):
        if hit:
            if last >= 0 and i - last > gap:
                break
            last = i
    if last < 0:
        return (0, len(text))
    return (paragraphs[0][0], paragraphs[last][1])


SENTENCE_END = re.compile(r"[.!?…]+[\"»”’)]*\s+(?=[«\"“‘(A-ZÀ-Ý0-9])")


def split_sentences(text: str, start: int, end: int, rules: Rules) -> list[tuple[int, int]]:
    """Sentences by punctuation, one paragraph at a time.

    Rules rather than the parser's boundaries: ``fr_core_news_md`` cuts French sentences inside
    English names ("Immigration and Customs | Enforcement") and at hyphens ("capital-|risque").
    """
    out: list[tuple[int, int]] = []
    for ps, pe in line_spans(text[start:end]):
        ps, pe = ps + start, pe + start
        cut = ps
        for m in SENTENCE_END.finditer(text, ps, pe):
            word = re.findall(r"[\w.]+$", text[cut:m.start()])
            last = word[0] if word else ""
            if last in rules.abbreviations or (len(last) == 1 and last.isupper()) \
                    or re.fullmatch(r"(?:[A-Z]\.)+[A-Z]", last):
                continue
            out.append((cut, m.start() + len(m.group().rstrip())))
            cut = m.end()
        if text[cut:pe].strip():
            out.append((cut, pe))
    return [(s + len(text[s:e]) - len(text[s:e].lstrip()),
             e - len(text[s:e]) + len(text[s:e].rstrip()))
            for s, e in out if text[s:e].strip()]


def _sentences(doc: Document, body: tuple[int, int], rules: Rules) -> tuple[list[_Sentence], Any]:
    nlp = pipeline(rules.language)
    parsed = nlp(doc.text[body[0]:body[1]])
    verbs = [(t.idx + body[0], t.idx + len(t) + body[0]) for t in parsed
             if t.pos_ in {"AUX", "VERB"} and "Part" not in t.morph.get("VerbForm", [])]
    paragraphs = [(s + body[0], e + body[0]) for s, e in line_spans(doc.text[body[0]:body[1]])]
    out = []
    for s, e in split_sentences(doc.text, body[0], body[1], rules):
        p = next((i for i, (ps, pe) in enumerate(paragraphs) if ps <= s < pe), 0)
        out.append(_Sentence(s, e, p, [v for v in verbs if s <= v[0] < e]))
    return out, parsed


def extract(doc: Document, gaz: Gazetteer, *, whole: bool = False, body_gap: int = BODY_GAP,
            vocab: Vocabulary | None = None) -> Extraction:
    """Run the whole extraction on ``doc`` (language already set)."""
    vocab = vocab or load_vocabulary()
    rules = load_rules(doc.language)
    timings: dict[str, float] = {}
    started = time.perf_counter()
    known = gaz.find(doc.text)
    known = gaz.find(doc.text, extra=gaz.surname_aliases(known))
    body = (0, len(doc.text)) if whole else find_body(doc.text, known, gaz, body_gap)
    known = [m for m in known if body[0] <= m.start and m.end <= body[1]]
    main = main_entity(known, gaz)
    timings["mentions"] = time.perf_counter() - started
    started = time.perf_counter()
    sentences, parsed = _sentences(doc, body, rules)
    timings["parse"] = time.perf_counter() - started
    started = time.perf_counter()
    pronouns = anaphora(doc.text, body[0], body[1], rules, main, gaz) if main else []
    pronouns = [p for p in pronouns if not any(p.start < k.end and k.start < p.end for k in known)]
    new = _new_names(doc, body, parsed, known + pronouns, rules, sentences)
    new_mentions = [Mention(s, e, doc.text[s:e], None, "new", (n.type,), n.confidence)
                    for n in new for s, e in n.mentions]
    all_mentions = sorted(known + pronouns + new_mentions, key=lambda m: m.start)
    dates = find_dates(doc.text[:body[1]], rules, _year(doc.published))
    amounts = find_amounts(doc.text[body[0]:body[1]], rules)
    amounts = [AmountSpan(a.start + body[0], a.end + body[0], a.amount, a.currency) for a in amounts]
    claims, citations = _claims(doc, sentences, all_mentions, dates, amounts, rules, gaz, vocab, main)
    timings["claims"] = time.perf_counter() - started
    return Extraction(doc, body, main, sorted(known + pronouns, key=lambda m: m.start), new,
                      claims, citations, timings)


def _year(published: str | None) -> int | None:
    match = re.match(r"(\d{4})", published or "")
    return int(match.group(1)) if match else None


# -- new names ---------------------------------------------------------------------------------
def _new_names(doc: Document, body: tuple[int, int], parsed: Any, taken: list[Mention],
               rules: Rules, sentences: list[_Sentence]) -> list[NewEntity]:
    spans: list[tuple[int, int, str | None, bool]] = []
    if has_ner(rules.language):
        for ent in parsed.ents:
            if ent.label_ in rules.ner_types:
                spans.append((ent.start_char + body[0], ent.end_char + body[0], ent.label_, False))
        found_by = "ner"
    else:
        starts = {s.start for s in sentences}
        spans = capitalised_names(doc.text, body[0], body[1], rules, starts)
        found_by = "rules"
    groups: dict[str, NewEntity] = {}
    for s, e, label, titled in spans:
        name = doc.text[s:e]
        # Determiners and elisions the recogniser keeps: "l’Alberta", "la NBA".
        lead = re.match(r"^(?:(?:le|la|les|the)\s+|[ldLD]['’])", name)
        if lead:
            s += lead.end()
            name = doc.text[s:e]
        name = name.rstrip(" .,;:’'")
        e = s + len(name)
        if (not name or not name[:1].isupper() or name in rules.ner_stoplist or len(name) < 2
                or any(s < m.end and m.start < e for m in taken)):
            continue
        key = new_key(name)
        if key == "new:":
            continue
        kind = guess_type(name, label, rules, titled)
        if key in groups:
            groups[key].mentions.append((s, e))
            continue
        groups[key] = NewEntity(key, name, kind, [(s, e)], 0.6 if found_by == "ner" else 0.4,
                                found_by)
    for group in groups.values():
        if len(group.mentions) > 1:
            group.confidence = min(0.9, group.confidence + 0.1)
    return list(groups.values())


# -- claims -------------------------------------------------------------------------------------
def _allowed(m: Mention, classes: list[str], gaz: Gazetteer) -> bool:
    return not classes or gaz.is_a(m.types, classes)


def _list_gap_ok(text: str, a: int, b: int, sent: _Sentence, rules: Rules) -> bool:
    gap = re.sub(r"\bainsi que\b|\bas well as\b", ",", text[a:b])
    if len(gap) > LIST_GAP or re.search(r"\d", gap):
        return False
    if not re.search(r",|;|\bet\b|\band\b|\bainsi que\b|\bas well as\b|\bou\b|\bor\b|&", gap):
        return False
    if any(w.casefold() in rules.clause_breakers for _, _, w in tokens(gap)):  # "à" is not "a"
        return False
    return not any(a <= v[0] < b for v in sent.verbs)


def _expand(text: str, chosen: Mention, pool: list[Mention], direction: int, sent: _Sentence,
            rules: Rules) -> list[Mention]:
    """Follow a list of names from ``chosen`` backwards (-1) or forwards (+1)."""
    out = [chosen]
    ordered = sorted(pool, key=lambda m: m.start, reverse=direction < 0)
    current = chosen
    for m in ordered:
        if (direction > 0 and m.start < current.end) or (direction < 0 and m.end > current.start):
            continue
        a, b = (current.end, m.start) if direction > 0 else (m.end, current.start)
        if not _list_gap_ok(text, a, b, sent, rules):
            break
        out.append(m)
        current = m
    return out


def _pick(role: str, text: str, trig: tuple[int, int], sent: _Sentence, pool: list[Mention],
          anchor: Mention | None, rules: Rules, expand: bool) -> list[Mention]:
    if role in {"before", "between"}:
        limit = anchor.end if role == "between" and anchor else sent.start
        options = [m for m in pool if m.end <= trig[0] and m.start >= limit]
        if not options:
            return []
        chosen = max(options, key=lambda m: m.end)
        return _expand(text, chosen, options, -1, sent, rules) if expand else [chosen]
    if role in {"after", "after_object", "after_subject"}:
        limit = anchor.end if anchor and role != "after" else trig[1]
        options = [m for m in pool if m.start >= max(limit, trig[1]) or
                   (role != "after" and anchor is not None and m.start >= anchor.end)]
        if not options:
            return []
        chosen = min(options, key=lambda m: m.start)
        return _expand(text, chosen, options, 1, sent, rules) if expand else [chosen]
    if role == "before_or_after":
        return (_pick("before", text, trig, sent, pool, anchor, rules, expand)
                or _pick("after", text, trig, sent, pool, anchor, rules, expand))
    return []


def _claims(doc: Document, sentences: list[_Sentence], mentions: list[Mention],
            dates: list[DateSpan], amounts: list[AmountSpan], rules: Rules, gaz: Gazetteer,
            vocab: Vocabulary, main: str | None) -> tuple[list[ClaimCandidate], list[Citation]]:
    text = doc.text
    found: list[ClaimCandidate] = []
    citations: list[Citation] = []
    for index, sent in enumerate(sentences):
        in_sent = [m for m in mentions if sent.start <= m.start and m.end <= sent.end]
        quoted = _attributions(text, sent, in_sent, rules)
        if quoted:
            date = _nearest(dates, sent.start, sent.start, sent.end)
            citations.append(Citation(quoted[0].key, (sent.start, sent.end),
                                      date.value if date else None))
        speakers = {id(m) for m in quoted}
        pool = [m for m in in_sent if id(m) not in speakers]
        nxt = sentences[index + 1] if index + 1 < len(sentences) else None
        continuation = nxt if nxt and nxt.paragraph == sent.paragraph and any(
            p.match(text[nxt.start:nxt.end]) for p in rules.continuation) else None
        prev = sentences[index - 1] if index else None
        for trigger in rules.triggers:
            for match in trigger.pattern.finditer(text, sent.start, sent.end):
                found.extend(_apply(trigger, match, text, sent, pool, prev, mentions, dates,
                                    amounts, rules, gaz, vocab, main, continuation,
                                    quoted[0] if quoted else None))
    return _merge(found, doc), citations


def _attributions(text: str, sent: _Sentence, in_sent: list[Mention], rules: Rules) -> list[Mention]:
    out = []
    for m in in_sent:
        if m.kind != "known":
            continue
        for cue in rules.attribution:
            head, _, tail = cue.partition("{ENT}")
            if head and re.search(f"(?:{head})$", text[max(sent.start, m.start - 40):m.start], re.I):
                out.append(m)
                break
            if tail and not head and re.match(tail, text[m.end:sent.end], re.I):
                out.append(m)
                break
    return out


def _nearest(spans: list[Any], point: int, start: int, end: int) -> Any:
    inside = [s for s in spans if start <= s.start and s.end <= end]
    return min(inside, key=lambda s: abs(s.start - point)) if inside else None


def _apply(trigger: Trigger, match: re.Match[str], text: str, sent: _Sentence,
           pool: list[Mention], prev: _Sentence | None, mentions: list[Mention],
           dates: list[DateSpan], amounts: list[AmountSpan], rules: Rules, gaz: Gazetteer,
           vocab: Vocabulary, main: str | None, continuation: _Sentence | None,
           speaker: Mention | None) -> list[ClaimCandidate]:
    predicate = vocab.predicates.get(trigger.predicate)
    if predicate is None:
        return []
    trig = (match.start(), match.end())
    reasons: list[str] = []
    confidence = trigger.weight
    subject_classes = list(trigger.subject_types) or predicate.domain
    subjects_ok = [m for m in pool if _allowed(m, subject_classes, gaz)
                   and not _governed_strict(text, m, sent.start, rules)]
    object_classes = list(trigger.object_types) or predicate.range
    objects_ok = [m for m in pool if _allowed(m, object_classes, gaz)]
    subjects: list[Mention] = []
    objects: list[Mention] = []
    main_mention = (Mention(0, 0, "", main, "implicit", gaz.types.get(main, ()), 0.3)
                    if main else None)
    # Roles that depend on the other one are filled second.
    if trigger.subject == "after_object":
        objects = _pick(trigger.object or "after", text, trig, sent, objects_ok, None, rules, False)
        subjects = _pick("after_object", text, trig, sent,
                         [m for m in subjects_ok if m not in objects], objects[0] if objects else None,
                         rules, True)
    else:
        subjects = _pick(trigger.subject, text, trig, sent, subjects_ok, None, rules,
                         trigger.expand != "none")
        if trigger.near is not None:
            subjects = [s for s in subjects
                        if len(tokens(text[min(s.end, trig[0]):max(s.start, trig[0])])) <= trigger.near]
        if not predicate.is_value and trigger.object not in {None, "patent", "lookback"}:
            anchor = subjects[0] if subjects else None
            objects = _pick(trigger.object or "after", text, trig, sent,
                            [m for m in objects_ok if m not in subjects], anchor, rules,
                            trigger.object != "between" and trigger.expand != "none")
    if trigger.object == "lookback" and prev is not None:
        back = [m for m in mentions if prev.start <= m.start and m.end <= prev.end
                and _allowed(m, object_classes, gaz) and m.kind == "known"]
        here = [m for m in objects_ok if m.kind == "known" and m.end <= trig[0]]
        if here:
            objects = [max(here, key=lambda m: m.end)]
        elif back:
            objects = [max(back, key=lambda m: m.end)]
            confidence -= 0.15
            reasons.append("object from the previous sentence")
    if not subjects and trigger.implicit_subject == "main" and main_mention \
            and _allowed(main_mention, predicate.domain, gaz):
        subjects = [main_mention]
        confidence -= 0.2
        reasons.append("subject is the article's main entity (not named in the sentence)")
    if not predicate.is_value and not objects and trigger.implicit_object == "main" and main_mention \
            and _allowed(main_mention, object_classes, gaz):
        objects = [main_mention]
        confidence -= 0.2
        reasons.append("object is the article's main entity (not named in the sentence)")
    if not subjects:
        return []
    if trigger.object == "patent":
        objects = _patents(subjects[0], gaz)
        if objects:
            reasons.append("patent matched by its owner's name; check it is this one")
            confidence -= 0.1
    value: str | None = None
    amount: AmountSpan | None = None
    if predicate.is_value:
        if trigger.value == "count" and match.groupdict().get("number"):
            from graph.extract.qualifiers import parse_number

            number = parse_number(match.group("number"), rules)
            value = str(number) if number is not None else None
        elif trigger.value == "amount":
            amount = _amount_after(amounts, trig, sent, continuation)
            value = str(amount.amount) if amount else None
        if value is None:
            return []
    elif not objects:
        return []
    if (trigger.predicate in rules.amount_predicates or trigger.value_needed == "amount") \
            and amount is None:
        amount = _amount_after(amounts, trig, sent, continuation)
    if trigger.value_needed == "amount" and amount is None:
        return []
    date = _nearest(dates, trig[0], sent.start, sent.end)
    if trigger.predicate in rules.undated_predicates:
        date = None
    elif date is None and continuation is not None:
        date = _nearest(dates, continuation.start, continuation.start, continuation.end)
    if date is not None and date.inferred:
        confidence -= 0.1
        reasons.append(f"year of {date.value} inferred from an earlier date")
    status = trigger.status
    if status is None and trigger.predicate in rules.status_predicates:
        status = find_status(text[sent.start:sent.end], rules)
    if speaker is not None:
        status = status or "reported"
        reasons.append(f"reported by {speaker.key}")
    out = []
    for s in subjects:
        for o in objects or [None]:  # type: ignore[list-item]
            if o is not None and o.key == s.key:
                continue
            subj, obj = s, o
            if (trigger.prefer_subject and obj is not None
                    and gaz.is_a(obj.types, [trigger.prefer_subject])
                    and not gaz.is_a(subj.types, [trigger.prefer_subject])):
                subj, obj = obj, subj
            c = confidence + (0.15 if subj.kind == "known" else 0.0)
            c += 0.15 if (obj is not None and obj.kind == "known") or value is not None else 0.0
            c -= 0.1 if "new" in {subj.kind, obj.kind if obj else ""} else 0.0
            c -= 0.1 if speaker is not None else 0.0
            out.append(ClaimCandidate(
                key="", subject=subj.key, predicate=trigger.predicate,
                object=obj.key if obj is not None else None, value=value,
                date=date.value if date else None,
                amount=str(amount.amount) if amount and not predicate.is_value else None,
                currency=amount.currency if amount else None, status=status, kind=trigger.kind,
                role=trigger.role, chars=(sent.start, sent.end), trigger=trig,
                line=text.count("\n", 0, sent.start) + 1,
                confidence=round(max(0.05, min(0.95, c)), 2),
                attributed_to=speaker.key if speaker else None, reasons=list(reasons)))
    return out


def _governed_strict(text: str, m: Mention, sentence_start: int, rules: Rules) -> bool:
    """A complement is never a subject, except after a role head (see ``_governed``)."""
    before = [fold(w) for _, _, w in tokens(text[sentence_start:m.start])][-3:]
    determiners = {"le", "la", "les", "l", "the", "a", "an", "un", "une"}
    while before and before[-1] in determiners:
        before.pop()
    if not before or before[-1] not in rules.prepositions:
        return False
    return not (len(before) >= 2 and before[-2] in {fold(h) for h in rules.role_heads})


def _amount_after(amounts: list[AmountSpan], trig: tuple[int, int], sent: _Sentence,
                  continuation: _Sentence | None) -> AmountSpan | None:
    after = [a for a in amounts if trig[0] <= a.start and a.end <= sent.end]
    if after:
        return after[0]
    if continuation is not None:
        later = [a for a in amounts if continuation.start <= a.start and a.end <= continuation.end]
        if later:
            return later[0]
    before = [a for a in amounts if sent.start <= a.start and a.end <= trig[0]]
    return before[-1] if before else None


def _patents(owner: Mention, gaz: Gazetteer) -> list[Mention]:
    name = fold(gaz.label(owner.key, "en"))
    return [Mention(0, 0, gaz.label(e, "en"), e, "implicit", types, 0.3)
            for e, types in gaz.types.items()
            if "Patent" in types and name and name in fold(gaz.label(e, "en"))]


def _compatible(a: ClaimCandidate, b: ClaimCandidate) -> bool:
    qa, qb = a.qualifiers(), b.qualifiers()
    return all(qa[k] is None or qb[k] is None or qa[k] == qb[k] for k in qa)


def _merge(found: list[ClaimCandidate], doc: Document) -> list[ClaimCandidate]:
    """One candidate per claim: the same triple said twice (or by two triggers) merges when the
    qualifiers agree; its evidence keeps every sentence."""
    merged: list[ClaimCandidate] = []
    for c in found:
        twin = next((m for m in merged if m.triple() == c.triple() and _compatible(m, c)), None)
        if twin is None:
            merged.append(c)
            continue
        for k in ("date", "amount", "currency", "status", "kind", "role", "attributed_to"):
            if getattr(twin, k) is None and getattr(c, k) is not None:
                setattr(twin, k, getattr(c, k))
        if c.confidence > twin.confidence:
            twin.confidence = c.confidence
        if c.chars != twin.chars and c.chars not in twin.evidence:
            twin.evidence.append(c.chars)
        twin.reasons = sorted(set(twin.reasons) | set(c.reasons))
    counts = Counter(c.triple() for c in merged)
    for c in merged:
        basis = "|".join(c.triple()) + (f"|{c.date}" if counts[c.triple()] > 1 else "")
        c.key = hashlib.sha256(f"{doc.sha256}|{basis}".encode()).hexdigest()[:10]
    return sorted(merged, key=lambda c: (c.chars[0], c.predicate))
