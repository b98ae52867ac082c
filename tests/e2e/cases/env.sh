# Environment: the workload sees exactly what runc gives it: PATH, HOSTNAME (the container id's
# first 12 characters), HOME (from /etc/passwd for the user), -e and --env-file values (including
# empty values, spaces and '='), a user-supplied PATH/HOME overriding the defaults, and nothing of
# runcvm's own (no RUNCVM_* variables).

# env | sort with the container id replaced, so the two runtimes' outputs compare equal.
env_of() {
  rm -f "$E2E_TMP/cid"
  out=$(drun --cidfile "$E2E_TMP/cid" "$@" "$BUSYBOX" env); rc=$?
  id=$(cut -c1-12 "$E2E_TMP/cid")
  [ -n "$id" ] || e2e_fail "no container id"
  echo "$out" | LC_ALL=C sort | sed "s/=$id\$/=<container-id>/"
  echo "rc=$rc"
  assert_not_contains "runcvm's variables leak" "$out" RUNCVM_
}

default_env() { env_of; }
both "default environment" default_env \
  'HOME=/root\nHOSTNAME=<container-id>\nPATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\nrc=0\n'

given_env() {
  printf '%s\n' '# a comment' 'FROMFILE=file value' 'EQ=a=b' 'PASSED_THROUGH' >"$E2E_TMP/env-file"
  PASSED_THROUGH=from-caller env_of -e FOO=bar -e EMPTY= -e 'SPACES=a b  c' -e PATH=/custom:/bin:/usr/bin \
    -e HOME=/elsewhere --env-file "$E2E_TMP/env-file"
}
both "-e and --env-file" given_env \
  'EMPTY=\nEQ=a=b\nFOO=bar\nFROMFILE=file value\nHOME=/elsewhere\nHOSTNAME=<container-id>\nPASSED_THROUGH=from-caller\nPATH=/custom:/bin:/usr/bin\nSPACES=a b  c\nrc=0\n'

user_env() { env_of -u alice; env_of -u 4242; }
both "HOME follows the user" user_env \
  'HOME=/home/alice\nHOSTNAME=<container-id>\nPATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\nrc=0\nHOME=/\nHOSTNAME=<container-id>\nPATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\nrc=0\n'
