# A toybox-style test helper: `testing NAME COMMAND EXPECTED_OUTPUT [STDIN]`.
# EXPECTED_OUTPUT is passed through printf %b, so "\n" ends lines. `finish` prints the tally and
# fails the script if any case failed.
passed=0
failed=0

testing() {
  name=$1 cmd=$2 expected=$(printf '%bx' "$3")
  expected=${expected%x}
  if [ $# -ge 4 ]; then
    actual=$(printf '%b' "$4" | sh -c "$cmd" 2>&1; echo x)
  else
    actual=$(sh -c "$cmd" </dev/null 2>&1; echo x)
  fi
  actual=${actual%x}
  if [ "$actual" = "$expected" ]; then
    passed=$((passed + 1)); echo "PASS: $name"
  else
    failed=$((failed + 1)); echo "FAIL: $name"
    printf '  expected: %s\n  actual:   %s\n' "$(printf '%s' "$expected" | od -c | head -5)" "$(printf '%s' "$actual" | od -c | head -5)"
  fi
}

finish() {
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}
