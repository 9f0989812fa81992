# A real SLURM for the tests, started in a temporary directory without systemd (docs/cluster.md).
# Sourced by a test: `cluster_start N` starts munged, slurmctld and N slurmd (node1..nodeN, each
# with 2 CPUs and 2 fake GPUs) on this host and waits until sinfo shows them idle; it exports
# SLURM_CONF so that sbatch, squeue, sacct and scancel talk to it. `cluster_stop` (also run on
# EXIT) kills all of it and removes the directory. Where SLURM cannot start here (packages
# missing, not root), the test exits 77 with the reason: a visible CTest skip.

cluster_skip() {
  echo "SKIP: $*" >&2
  exit 77
}

# A TCP port nobody listens on now (Python binds port 0 and reports what it got).
cluster_free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

cluster_wait_for() {  # seconds, then a command that succeeds when ready
  local seconds=$1
  shift
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.2
  done
}

cluster_nodes_idle() {
  local idle
  idle=$(sinfo -h -N -o '%N %T' 2>/dev/null | grep -c ' idle$')
  [ "$idle" -eq "$CLUSTER_NODES" ]
}

cluster_start() {
  CLUSTER_NODES=${1:-1}
  local tool
  for tool in munged slurmctld slurmd sbatch squeue sinfo scancel python3; do
    command -v "$tool" >/dev/null || cluster_skip "$tool is missing (scripts/setup.sh installs slurmctld slurmd slurm-client munge)"
  done
  [ "$(id -u)" -eq 0 ] || cluster_skip "the test SLURM needs root (slurmd starts jobs as their user)"

  CLUSTER_DIR=$(mktemp -d /tmp/kevolve-slurm.XXXXXX)
  trap cluster_stop EXIT
  chmod 700 "$CLUSTER_DIR"
  local d=$CLUSTER_DIR
  mkdir -p "$d/munge" "$d/state" "$d/log" "$d/run"
  chmod 700 "$d/munge"

  # munge: its own key, socket, pid and seed file; --force because /tmp is world-writable.
  dd if=/dev/urandom of="$d/munge/munge.key" bs=1024 count=1 status=none
  chmod 400 "$d/munge/munge.key"
  CLUSTER_MUNGE_SOCKET=$d/munge/munge.socket
  munged --force --socket="$CLUSTER_MUNGE_SOCKET" --key-file="$d/munge/munge.key" \
    --pid-file="$d/munge/munged.pid" --log-file="$d/log/munged.log" \
    --seed-file="$d/munge/munged.seed" 2>"$d/log/munged.err" ||
    cluster_skip "munged does not start: $(head -n 1 "$d/log/munged.err")"

  local controller_port node_port hostname
  controller_port=$(cluster_free_port)
  hostname=$(hostname -s)
  {
    echo "ClusterName=kevolve-test"
    echo "SlurmctldHost=$hostname(127.0.0.1)"
    echo "SlurmctldPort=$controller_port"
    echo "SlurmUser=root"
    echo "SlurmdUser=root"
    echo "AuthType=auth/munge"
    echo "AuthInfo=socket=$CLUSTER_MUNGE_SOCKET"
    echo "CredType=cred/munge"
    echo "StateSaveLocation=$d/state"
    echo "SlurmdSpoolDir=$d/spool/%n"
    echo "SlurmctldPidFile=$d/run/slurmctld.pid"
    echo "SlurmdPidFile=$d/run/slurmd-%n.pid"
    echo "SlurmctldLogFile=$d/log/slurmctld.log"
    echo "SlurmdLogFile=$d/log/slurmd-%n.log"
    echo "ProctrackType=proctrack/linuxproc"
    echo "TaskPlugin=task/none"
    echo "JobCompType=jobcomp/none"
    echo "AccountingStorageType=accounting_storage/none"
    echo "JobAcctGatherType=jobacct_gather/none"
    echo "SelectType=select/cons_tres"
    echo "SelectTypeParameters=CR_Core"
    echo "GresTypes=gpu"
    echo "MpiDefault=none"
    echo "ReturnToService=2"
    echo "SchedulerType=sched/backfill"
    # Batch jobs start at once, not up to 3 s later (the default): 1 s a job, not 3.
    echo "SchedulerParameters=batch_sched_delay=0"
    echo "SlurmctldTimeout=30"
    echo "SlurmdTimeout=30"
    echo "InactiveLimit=0"
    echo "MinJobAge=300"
    echo "KillWait=2"
    echo "OverTimeLimit=0"
    echo "Waittime=0"
    local k
    for k in $(seq 1 "$CLUSTER_NODES"); do
      node_port=$(cluster_free_port)
      mkdir -p "$d/spool/node$k"
      echo "NodeName=node$k NodeHostname=$hostname NodeAddr=127.0.0.1 Port=$node_port CPUs=2 RealMemory=1000 Gres=gpu:2 State=UNKNOWN"
    done
    echo "PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP"
  } >"$d/slurm.conf"
  # Fake GPUs: slurmd 22.05 counts a gpu only through a device file (a gres.conf line with a
  # Count and no File registers 0 GPUs and the node goes INVAL), so each is a node of its own,
  # made like /dev/null (char 1:3); task/none binds nothing, so jobs only see the count.
  mkdir -p "$d/dev"
  mknod "$d/dev/gpu0" c 1 3 && mknod "$d/dev/gpu1" c 1 3 ||
    cluster_skip "mknod cannot make the fake GPUs' device files in $d/dev"
  echo "Name=gpu File=$d/dev/gpu[0-1]" >"$d/gres.conf"
  export SLURM_CONF=$d/slurm.conf

  slurmctld -f "$SLURM_CONF" -i 2>"$d/log/slurmctld.err" ||
    cluster_skip "slurmctld does not start: $(head -n 1 "$d/log/slurmctld.err")"
  for k in $(seq 1 "$CLUSTER_NODES"); do
    slurmd -f "$SLURM_CONF" -N "node$k" 2>"$d/log/slurmd-node$k.err" ||
      cluster_skip "slurmd node$k does not start: $(head -n 1 "$d/log/slurmd-node$k.err")"
  done
  if ! cluster_wait_for 30 cluster_nodes_idle; then
    echo "--- sinfo" >&2
    sinfo -N >&2 || true
    tail -n 20 "$d"/log/*.log >&2 || true
    cluster_skip "the $CLUSTER_NODES node(s) of the test SLURM did not become idle in 30 s"
  fi
}

cluster_pids() {
  local f
  for f in "$CLUSTER_DIR"/run/*.pid "$CLUSTER_DIR/munge/munged.pid"; do
    [ -f "$f" ] && cat "$f"
  done
}

cluster_stop() {
  [ -n "${CLUSTER_DIR:-}" ] && [ -d "$CLUSTER_DIR" ] || return 0
  local pid pids alive
  # Jobs first: cancelled through the controller, then any slurmstepd still holding a file of
  # this cluster (its spool directory) is killed by its pid; then the daemons.
  scancel --quiet --user="$(id -un)" 2>/dev/null
  for _ in $(seq 1 30); do
    [ -z "$(squeue -h -t running,completing -o %i 2>/dev/null)" ] && break
    sleep 0.1
  done
  for pid in $(pgrep -x slurmstepd 2>/dev/null); do
    ls -l "/proc/$pid/fd" "/proc/$pid/cwd" 2>/dev/null | grep -q "$CLUSTER_DIR" && kill -KILL "$pid" 2>/dev/null
  done
  # What a job left (its node's slurmd killed by a test, scancel cannot reach it): a process of
  # a job (SLURM_JOB_ID) submitted to this cluster (sbatch passes SLURM_CONF on), by its pid.
  local env
  for pid in $(ls /proc | grep -E '^[0-9]+$'); do
    env=$(tr '\0' '\n' 2>/dev/null <"/proc/$pid/environ") || continue
    grep -qx "SLURM_CONF=$CLUSTER_DIR/slurm.conf" <<<"$env" && grep -q '^SLURM_JOB_ID=' <<<"$env" &&
      kill -KILL "$pid" 2>/dev/null
  done
  pids=$(cluster_pids)
  for pid in $pids; do kill -TERM "$pid" 2>/dev/null; done
  for _ in $(seq 1 50); do
    alive=0
    for pid in $pids; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ $alive -eq 0 ] && break
    sleep 0.1
  done
  for pid in $pids; do kill -KILL "$pid" 2>/dev/null; done
  rm -rf "$CLUSTER_DIR"
  CLUSTER_DIR=
}
