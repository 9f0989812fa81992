#!/bin/sh
# A stand-in for an LLM (kevolve's `command` provider): reads the prompt on stdin, answers with
# the variant in answer.md. Used by the example and the tests; no network, no key.
cat >/dev/null
cat "$(dirname "$0")/answer.md"
