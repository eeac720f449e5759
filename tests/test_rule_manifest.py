"""Every message the validator can emit has a broken-ledger fixture that expects it.

The messages are read from the code, not listed here: every ``.diag(...)`` and
``Diagnostic(...)`` call in the ``graph.ledger`` and ``graph.pipeline`` packages (scanned whole,
so code may move between their modules), taking the call's message argument (``message=``, else
its first text argument: a string, an f-string, a conditional of those, or a local variable
assigned only such values), plus the ``ValueError`` texts raised by the pydantic validators of
the records (they reach users as ``field: text``). Each ``{placeholder}`` becomes a wildcard,
and the template must match the message of at least one ``# expect:`` line of a fixture in
``tests/fixtures/broken/`` (see ``tests/test_broken_ledgers.py``).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

from tests.test_broken_ledgers import fixture_expectations

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("graph/ledger", "graph/pipeline")
# Messages no ledger file can produce, as {start of the message: why}; keep this short.
EXEMPT: dict[str, str] = {}

VALIDATOR_WRAPPERS = {"BeforeValidator", "AfterValidator", "PlainValidator", "WrapValidator"}


@dataclass(frozen=True)
class Template:
    text: str  # the message with its placeholders, e.g. "unknown status {claim.status!r}"
    pattern: re.Pattern[str]
    place: str  # file:line of the call
    inside: bool = False  # a validator's text, shown after "field: "

    def matches(self, message: str) -> bool:
        return bool(self.pattern.fullmatch(message))


def _part(node: ast.expr) -> tuple[str, str] | None:
    """(readable, regex) of a text expression, or None when it is not text."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value, re.escape(node.value)
    if isinstance(node, ast.JoinedStr):
        text, regex = "", ""
        for value in node.values:
            if isinstance(value, ast.Constant):
                text += str(value.value)
                regex += re.escape(str(value.value))
            else:
                assert isinstance(value, ast.FormattedValue)
                conversion = f"!{chr(value.conversion)}" if value.conversion > 0 else ""
                text += "{" + ast.unparse(value.value) + conversion + "}"
                regex += ".*?"
        return text, regex
    return None


def _texts(node: ast.expr, scope: list[ast.AST]) -> list[tuple[str, str]] | None:
    """Every text a message expression can take (readable, regex), or None if not text."""
    part = _part(node)
    if part is not None:
        return [part]
    if isinstance(node, ast.IfExp):
        body, orelse = _texts(node.body, scope), _texts(node.orelse, scope)
        return body + orelse if body is not None and orelse is not None else None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _texts(node.left, scope), _texts(node.right, scope)
        if left is None or right is None:
            return None
        return [(a + b, ra + rb) for a, ra in left for b, rb in right]
    if isinstance(node, ast.Name):
        for block in reversed(scope):  # the innermost function first, then the module
            nodes = ast.walk(block) if not isinstance(block, ast.Module) else iter(block.body)
            statements = list(nodes)
            values = [n.value for n in statements
                      if isinstance(n, ast.Assign) and n.value is not None
                      and any(isinstance(t, ast.Name) and t.id == node.id for t in n.targets)]
            values += [n.value for n in statements
                       if isinstance(n, ast.AnnAssign) and n.value is not None
                       and isinstance(n.target, ast.Name) and n.target.id == node.id]
            if values:
                found = [_texts(v, scope) for v in values]
                if any(f is None for f in found):
                    return None
                return [t for f in found if f is not None for t in f]
    return None


BASE_CALLS = {"diag", "Diagnostic"}
Wrappers = dict[str, tuple[str, int]]  # function -> (its message parameter, its position)


def _callee(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _parameters(function: ast.AST) -> list[str]:
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return []
    names = [a.arg for a in [*function.args.posonlyargs, *function.args.args]]
    return names[1:] if names[:1] in (["self"], ["cls"]) else names


def _message_arg(call: ast.Call, scope: list[ast.AST], wrappers: Wrappers) -> ast.expr | None:
    """The expression a diagnostic call takes its message from."""
    wrapped = wrappers.get(_callee(call))
    name = wrapped[0] if wrapped else "message"
    for keyword in call.keywords:
        if keyword.arg == name:
            return keyword.value
    if wrapped:
        return call.args[wrapped[1]] if wrapped[1] < len(call.args) else None
    for arg in call.args:  # Diagnostic(file, line, col, message, ...) or .diag(path, message)
        if _texts(arg, scope) is not None:
            return arg
    params = _parameters(scope[-1])
    return next((a for a in call.args if isinstance(a, ast.Name) and a.id in params
                 and ("message" in a.id or "msg" in a.id)), None)


def _validator_names(tree: ast.AST) -> set[str]:
    """Functions pydantic runs on record fields: decorated ``*_validator`` or wrapped."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if called in VALIDATOR_WRAPPERS:
                for arg in node.args:
                    if isinstance(arg, ast.Name):
                        names.add(arg.id)
                    elif isinstance(arg, ast.Attribute):
                        names.add(arg.attr)
    return names


def _sources() -> list[Path]:
    files: list[Path] = []
    for package in PACKAGES:
        folder = ROOT / package
        files += sorted(folder.rglob("*.py")) if folder.is_dir() else []
        module = folder.with_suffix(".py")
        files += [module] if module.is_file() else []
    return files


def collect() -> tuple[list[Template], list[str]]:
    """The message templates of the validator, and the calls whose message cannot be read.

    A function that passes one of its parameters on as the message (``Where.diag``, a helper
    such as ``error(where, path, message)``) is a wrapper: its callers are scanned instead.
    """
    trees = {path: ast.parse(path.read_text(encoding="utf-8")) for path in _sources()}
    validators = set().union(*(_validator_names(tree) for tree in trees.values()))
    wrappers: Wrappers = {}
    while True:
        templates, unreadable, found = _scan(trees, validators, wrappers)
        if found.keys() <= wrappers.keys():
            return templates, unreadable
        wrappers |= found


@dataclass
class _Scan:
    validators: set[str]
    wrappers: Wrappers
    templates: list[Template] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)
    found: Wrappers = field(default_factory=dict)

    def visit(self, node: ast.AST, shown: str, scope: list[ast.AST], in_validator: bool) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            decorated = any("validator" in ast.unparse(d) for d in node.decorator_list)
            in_validator = decorated or node.name in self.validators
            scope = [*scope, node]
        place = f"{shown}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Call) and _callee(node) in BASE_CALLS | self.wrappers.keys():
            arg = _message_arg(node, scope, self.wrappers)
            texts = _texts(arg, scope) if arg is not None else None
            params = _parameters(scope[-1])
            if texts is not None:
                self.templates += [Template(text, re.compile(regex), place)
                                   for text, regex in texts]
            elif isinstance(arg, ast.Name) and arg.id in params:
                function = scope[-1]
                assert isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef))
                self.found[function.name] = (arg.id, params.index(arg.id))
            else:
                self.unreadable.append(f"{place}: {ast.unparse(node)}")
        if (isinstance(node, ast.Raise) and in_validator and isinstance(node.exc, ast.Call)
                and isinstance(node.exc.func, ast.Name) and node.exc.func.id == "ValueError"
                and node.exc.args):
            self.templates += [Template(text, re.compile(f"(?:.+: )?{regex}"), place, inside=True)
                               for text, regex in _texts(node.exc.args[0], scope) or []]
        for child in ast.iter_child_nodes(node):
            self.visit(child, shown, scope, in_validator)


def _scan(trees: dict[Path, ast.Module], validators: set[str], wrappers: Wrappers
          ) -> tuple[list[Template], list[str], Wrappers]:
    scan = _Scan(validators, wrappers)
    for path, tree in trees.items():
        scan.visit(tree, str(path.relative_to(ROOT)), [tree], False)
    return scan.templates, scan.unreadable, scan.found


def test_every_diagnostic_call_has_a_readable_message() -> None:
    templates, unreadable = collect()
    assert len(templates) >= 40, f"only {len(templates)} messages found: is the scan still right?"
    assert not unreadable, ("give these calls a literal message (or a variable assigned only "
                            "literals), so the rule manifest can see it:\n" + "\n".join(unreadable))


def test_every_message_has_a_fixture() -> None:
    templates, _ = collect()
    expected = [(name, e.message) for name, items in fixture_expectations().items()
                for e in items]
    missing = []
    for template in templates:
        if any(template.text.startswith(prefix) for prefix in EXEMPT):
            continue
        if not any(template.matches(message) for _name, message in expected):
            missing.append(f"{template.place}: {template.text}")
    assert not missing, (
        "messages no fixture in tests/fixtures/broken/ expects (add one per message, with its "
        "exact `# expect:` line):\n" + "\n".join(sorted(set(missing))))


def test_exemptions_are_still_needed() -> None:
    templates, _ = collect()
    for prefix in EXEMPT:
        assert any(t.text.startswith(prefix) for t in templates), f"stale exemption {prefix!r}"
