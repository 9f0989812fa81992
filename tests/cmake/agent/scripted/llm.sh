#!/bin/sh
# The scripted model: keeps each prompt as prompts/<N>.txt, then answers by the unit the prompt is
# about and how many times that unit has asked: scripted/<unit>-<k>.md.
here=$(dirname "$0")
mkdir -p "$here/prompts"
n=$(( $(ls "$here/prompts" | wc -l) + 1 ))
cat >"$here/prompts/$n.txt"
for unit in row_sums col_scale; do
  if grep -q "(unit \`$unit\`)" "$here/prompts/$n.txt"; then
    k=$(( $(cat "$here/$unit.calls" 2>/dev/null || echo 0) + 1 ))
    echo $k >"$here/$unit.calls"
    cat "$here/$unit-$k.md" 2>/dev/null || echo "No more ideas."
    exit 0
  fi
done
