# shellcheck shell=bash
# Sourced by the benchmark scripts (benchmarks/*.sh, itests/netns/discovery-bench.sh): collects what a
# script measured, run by run, and writes it as DIR/<name>.json in the format that
# org.p2pnet.bench.Results reads (benchmarks/src/main/java/org/p2pnet/bench/Results.java):
#
#   {"name", "title", "command", "setup": [...], "figures": [{"quantity", "system", "unit",
#    "higherIsBetter", "runs": [one value per repeated run]}], "notes": [...], "extra": {...}}
#
# Use:
#   results_dir DIR                        check/create DIR early; prints its absolute path
#   results_begin STATE NAME TITLE COMMAND  STATE: a scratch file (in the script's work directory)
#   results_setup LINE...                  how it was run (one entry per argument)
#   results_figure QUANTITY SYSTEM UNIT true|false   declare a figure (false: lower is better)
#   results_add QUANTITY SYSTEM VALUE      one run's value of a declared figure
#   results_note LINE                      a caveat for the report
#   results_extra KEY JSON                 anything else, as a JSON value (e.g. '{"sha256": 1881}')
#   results_write DIR                      writes DIR/NAME.json (checked, then renamed into place)
#
# Records go to STATE as NUL-separated fields, so no text needs escaping in the shell; python3 turns
# them into JSON at the end and refuses what Results could not read (a value that is not a finite
# number, a value for an undeclared figure). A figure that got no value at all is left out with a
# note on stderr.

results_dir() { # DIR: creates it, checks it is writable, prints its absolute path
  mkdir -p -- "$1" 2>/dev/null && [ -d "$1" ] && [ -w "$1" ] || { echo "results: cannot write to directory '$1'" >&2; return 1; }
  (cd -- "$1" && pwd)
}

_results_rec() { # KIND FIELD...
  [ -n "${RESULTS_STATE:-}" ] || { echo "results: results_begin was not called" >&2; return 1; }
  printf '%s\0' "$@" >>"$RESULTS_STATE"
}

results_begin() { # STATE NAME TITLE COMMAND
  RESULTS_STATE=$1
  : >"$RESULTS_STATE"
  _results_rec begin "$2" "$3" "$4"
}

results_setup() { local line; for line in "$@"; do _results_rec setup "$line"; done; }

results_note() { _results_rec note "$1"; }

results_figure() { # QUANTITY SYSTEM UNIT HIGHER_IS_BETTER
  case "$4" in true|false) ;; *) echo "results: higherIsBetter must be true or false, not '$4'" >&2; return 1 ;; esac
  _results_rec figure "$1" "$2" "$3" "$4"
}

results_add() { # QUANTITY SYSTEM VALUE
  [[ "$3" =~ ^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$ ]] \
    || { echo "results: '$3' is not a number ($1 of $2)" >&2; return 1; }
  _results_rec add "$1" "$2" "$3"
}

results_extra() { _results_rec extra "$1" "$2"; } # KEY JSON

results_write() { # DIR: prints the file written
  [ -n "${RESULTS_STATE:-}" ] || { echo "results: results_begin was not called" >&2; return 1; }
  python3 - "$RESULTS_STATE" "$1" <<'PY'
import json, math, os, sys

state, out_dir = sys.argv[1], sys.argv[2]
with open(state, "rb") as f:
    fields = f.read().decode("utf-8").split("\0")
if fields and fields[-1] == "":
    fields.pop()
arity = {"begin": 3, "setup": 1, "note": 1, "figure": 4, "add": 3, "extra": 2}
bench = {"name": None, "title": None, "command": None, "setup": [], "figures": [], "notes": [], "extra": {}}
figures = {}  # (quantity, system) -> figure dict, in declaration order


def fail(msg):
    sys.exit("results: " + msg)


def number(text):
    v = float(text)
    if not math.isfinite(v):
        fail("not a finite number: %r" % text)
    return int(v) if v.is_integer() and abs(v) < 2 ** 53 else v


i = 0
while i < len(fields):
    kind = fields[i]
    if kind not in arity:
        fail("damaged state file %s at field %d (%r)" % (state, i, kind))
    args = fields[i + 1:i + 1 + arity[kind]]
    if len(args) != arity[kind]:
        fail("damaged state file %s: record %r cut short" % (state, kind))
    i += 1 + arity[kind]
    if kind == "begin":
        bench["name"], bench["title"], bench["command"] = args
    elif kind == "setup":
        bench["setup"].append(args[0])
    elif kind == "note":
        bench["notes"].append(args[0])
    elif kind == "figure":
        key = (args[0], args[1])
        if key not in figures:
            figures[key] = {"quantity": args[0], "system": args[1], "unit": args[2],
                            "higherIsBetter": args[3] == "true", "runs": []}
    elif kind == "add":
        key = (args[0], args[1])
        if key not in figures:
            fail("undeclared figure %r of %r" % key)
        figures[key]["runs"].append(number(args[2]))
    elif kind == "extra":
        try:
            bench["extra"][args[0]] = json.loads(args[1])
        except ValueError as e:
            fail("extra %r is not JSON (%s): %r" % (args[0], e, args[1]))

if not bench["name"]:
    fail("no name (results_begin)")
for f in figures.values():
    if f["runs"]:
        bench["figures"].append(f)
    else:
        print("results: %s: no value measured for '%s' of '%s'; left out" % (bench["name"], f["quantity"], f["system"]),
              file=sys.stderr)
if not bench["figures"]:
    fail("%s: no figure has a value" % bench["name"])

path = os.path.join(out_dir, bench["name"] + ".json")
tmp = path + ".tmp"
with open(tmp, "w", encoding="utf-8") as f:
    json.dump(bench, f, indent=2, ensure_ascii=False, allow_nan=False)
    f.write("\n")
with open(tmp, encoding="utf-8") as f:
    json.load(f)  # what was written reads back
os.replace(tmp, path)
print(path)
PY
}
