#!/bin/bash
# Grade one class in shards on a Slurm cluster: one array task per shard.
#
#   cd /shared/usvn                     # this repository, with .venv made by `make test`, on a shared file system
#   mkdir -p grading/logs
#   jobid=$(sbatch --parsable deploy/grading/slurm-array.sh)
#   sbatch --dependency=afterok:"$jobid" --wrap ".venv/bin/usvn merge-shards grading/grades grading/shards/shard-*"
#
# Task I of --array=1-N grades shard I/N into grading/shards/shard-I (see docs/grading-guide.md,
# "Grading on several machines"). Keep the array as 1-N: the shard number is the task id and N the task count.
# Every node needs bubblewrap (`usvn grade` stops before grading anyone where it cannot run).
#SBATCH --job-name=usvn-grade
#SBATCH --array=1-3
#SBATCH --cpus-per-task=2
#SBATCH --mem=6G
#SBATCH --time=02:00:00
#SBATCH --output=grading/logs/shard-%a.log

set -euo pipefail

: "${SLURM_ARRAY_TASK_ID:?run this script with sbatch --array=1-N}"
: "${SLURM_ARRAY_TASK_COUNT:?run this script with sbatch --array=1-N}"
USVN=${USVN:-.venv/bin/usvn}
DOWNLOADS=${DOWNLOADS:-grading/downloads}
SOURCE=${SOURCE:-grading/key/01-trace-us-vietnam-relations.ipynb}

exec "$USVN" grade "$DOWNLOADS" \
  --source "$SOURCE" \
  --out "grading/shards/shard-${SLURM_ARRAY_TASK_ID}" \
  --shard "${SLURM_ARRAY_TASK_ID}/${SLURM_ARRAY_TASK_COUNT}" \
  --jobs "$((${SLURM_CPUS_PER_TASK:-2} + 1))"
