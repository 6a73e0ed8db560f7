# Sourced by the model recipes (rgb-unet-v1/make.sh, fusion-unet-v2/make.sh, fusion-unet-v1/run.sh).

# Runs a stage when $STAGES names it and appends its time to $WORK/timing.tsv.
#   stage NAME COMMAND [ARGS...]
stage() {
  local name="$1"; shift
  [[ " $STAGES " == *" $name "* ]] || return 0
  echo "== $name"
  local t0=$SECONDS
  "$@"
  printf '%s\t%s\t%d\n' "$(date -u +%FT%TZ)" "$name" $((SECONDS - t0)) | tee -a "$WORK/timing.tsv"
}

# Copies the trained model NAME ($WORK/model/NAME.onnx and its card) into src/Models, where it is bundled.
install_model() {
  cp "$WORK/model/$1.onnx" "$WORK/model/$1.card.json" src/Models/
  ls -l "src/Models/$1.onnx" "src/Models/$1.card.json"
}
