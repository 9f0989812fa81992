#!/bin/sh
# A stand-in for an LLM (kevolve's `command` provider) for the CUDA examples: reads the prompt on
# stdin and answers with the scripted variant <unit>.md of the kernel the prompt is about, or
# with no code at all for a kernel that has none. No network, no key.
prompt=$(cat)
here=$(dirname "$0")
for answer in "$here"/*.md; do
  unit=$(basename "$answer" .md)
  case "$prompt" in
  *"KEVOLVE_TUNE($unit,"*)
    cat "$answer"
    exit 0
    ;;
  esac
done
echo "No scripted variant for this kernel."
