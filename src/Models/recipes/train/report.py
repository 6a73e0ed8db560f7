"""Validation metrics per class and the training report (report.json and the same as a text table, report.txt)."""
import json

import numpy as np


def scores(confusion, classes):
    """Per class: precision, recall, F1, IoU and pixel counts from a confusion matrix (rows truth, columns predicted)."""
    out = []
    for c in classes:
        i = c["id"]
        tp = int(confusion[i, i])
        fp = int(confusion[:, i].sum()) - tp
        fn = int(confusion[i, :].sum()) - tp
        p = tp / (tp + fp) if tp + fp else float("nan")
        r = tp / (tp + fn) if tp + fn else float("nan")
        f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else float("nan")
        iou = tp / (tp + fp + fn) if tp + fp + fn else float("nan")
        out.append({"id": i, "name": c["name"], "true_pixels": tp + fn, "precision": _r(p), "recall": _r(r),
                    "f1": _r(f1), "iou": _r(iou)})
    return out


def _r(v):
    return None if v != v else round(v, 4)


def _f(v):
    return "-" if v is None else f"{v:.3f}"


def write(path_json, path_txt, report):
    with open(path_json, "w", encoding="utf-8", newline="\n") as f:
        json.dump(report, f, indent=2, ensure_ascii=False)
        f.write("\n")
    lines = [f"{report['model']['name']}@{report['model']['version']} from {report['base']} on {report['history']}",
             f"train chips {report['chips']['train']}, validation chips {report['chips']['validation']}, "
             f"{report['settings']['epochs']} epoch(s) of {report['steps_per_epoch']} step(s), batch {report['settings']['batch']}, "
             f"crop {report['settings']['crop']}; {report['seconds']} s on {report['settings']['threads']} thread(s)",
             "", "epoch  train loss  val loss  val mean change F1  seconds"]
    for e in report["epochs"]:
        lines.append(f"{e['epoch']:5d}  {e['train_loss']:10.4f}  {_f(e['validation_loss']):>8}  {_f(e['validation_mean_change_f1']):>18}  {e['seconds']:7d}")
    lines += ["", "validation split, last epoch (pixels; 255 ignored):",
              "class                     true px   precision  recall     F1    IoU"]
    for s in report["validation"]:
        lines.append(f"{s['id']} {s['name']:<22} {s['true_pixels']:9d}   {_f(s['precision']):>9}  {_f(s['recall']):>6}  {_f(s['f1']):>5}  {_f(s['iou']):>5}")
    if not report["validation"]:
        lines.append("(the export has no validation chips)")
    with open(path_txt, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines) + "\n")
    return "\n".join(lines)


def mean_change_f1(per_class):
    values = [s["f1"] for s in per_class if s["id"] > 0 and s["true_pixels"] > 0 and s["f1"] is not None]
    return round(float(np.mean(values)), 4) if values else None
