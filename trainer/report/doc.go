// Package report turns a classifier's predictions into the numbers and
// pictures a training run is judged by: a confusion matrix with per-class
// precision, recall and F1 and their macro averages (as JSON and as a
// terminal table), a comparison with the published Galaxy Zoo results, and
// PNG plots of the confusion matrix and of the training curves.
//
// The galaxy classes are imbalanced (cigar-shaped smooth is rare), so overall
// accuracy alone hides the weak class; every output here shows the per-class
// figures next to it.
//
// Files are written atomically (temporary file in the same directory, then
// rename), so a reader never sees half a report and a crash never leaves a
// truncated one behind. Plots are drawn with gonum.org/v1/plot, which is pure
// Go (no cgo) and embeds its own fonts.
package report
