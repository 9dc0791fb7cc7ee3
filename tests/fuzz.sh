#!/usr/bin/env bash
# The long fuzzing suite (issue 10, part F): runs every libFuzzer harness of build-fuzz/ (or only
# the ones named: `tests/fuzz.sh fuzz_http fuzz_import`) for FUZZ_LONG_SECONDS each (default
# 300), growing its corpus in build-fuzz/corpus/NAME from the seeds in tests/fuzz/corpus/NAME.
# A crash, leak, sanitizer report or failed ASSERT fails the harness; the input that did it is
# kept as build/test-logs/fuzz-NAME-crash-* (replay it with `build-fuzz/tests/fuzz/NAME FILE`).
# Figures (seconds, runs, runs per second, corpus files, result) go to
# build/test-logs/fuzz-figures.tsv, one row per harness (rows of harnesses not run are kept). Needs `make fuzz` first.
# Ends with "N passed, N failed". Used by tests/run-long.sh (make test-long).
set -u
cd "$(dirname "$0")/.."
SECONDS_EACH=${FUZZ_LONG_SECONDS:-300}
LOGS=build/test-logs
FIGURES=$LOGS/fuzz-figures.tsv
PASSED=0
FAILED=0
export CTIS_PWHASH=fast
# The fuzz build lets UBSan go on after a report; here a report is a finding.
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
mkdir -p build-fuzz/corpus "$LOGS"
if [ $# -gt 0 ]; then
    harnesses=("$@")
else
    harnesses=()
    for f in build-fuzz/tests/fuzz/fuzz_*; do
        [ -f "$f" ] && [ -x "$f" ] && harnesses+=("$(basename "$f")")
    done
fi
if [ ${#harnesses[@]} -eq 0 ]; then
    echo "no harnesses in build-fuzz/tests/fuzz: run make fuzz first"
    echo "0 passed, 1 failed"
    exit 1
fi
NEW=$(mktemp "$LOGS/fuzz-figures.XXXXXX")
printf 'harness\tseconds\truns\truns_per_second\tcorpus_files\tresult\tdate\n' >"$NEW"
for name in "${harnesses[@]}"; do
    f=build-fuzz/tests/fuzz/$name
    log=$LOGS/fuzz-$name.log
    mkdir -p "build-fuzz/corpus/$name"
    [ -d "tests/fuzz/corpus/$name" ] && cp -rn "tests/fuzz/corpus/$name/." "build-fuzz/corpus/$name/"
    echo "fuzzing $name for ${SECONDS_EACH}s"
    start=$(date +%s)
    if [ -x "$f" ] && "$f" -max_total_time="$SECONDS_EACH" -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$LOGS/fuzz-$name-" "build-fuzz/corpus/$name" >"$log" 2>&1; then
        result=ok
        PASSED=$((PASSED + 1))
    else
        result=FAILED
        FAILED=$((FAILED + 1))
        echo "  $name found a problem: see $log"
    fi
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    files=$(find "build-fuzz/corpus/$name" -type f | wc -l)
    took=$(($(date +%s) - start))
    rate=$([ "$took" -gt 0 ] && echo $((${runs:-0} / took)) || echo 0)
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$took" "${runs:-0}" "$rate" "$files" "$result" \
        "$(date -u +%Y-%m-%dT%H:%MZ)" >>"$NEW"
    echo "  $result: ${runs:-0} runs in ${took}s, $files corpus files"
done
# Rows of harnesses not run this time stay as they were.
if [ -f "$FIGURES" ]; then
    tail -n +2 "$FIGURES" | while IFS=$'\t' read -r name rest; do
        case " ${harnesses[*]} " in *" $name "*) ;; *) printf '%s\t%s\n' "$name" "$rest" ;; esac
    done >>"$NEW"
fi
mv "$NEW" "$FIGURES"
echo "figures in $FIGURES"
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
