// Package gzdata reads labelled galaxies from a directory in the layout of
// Galaxy Zoo - The Galaxy Challenge: training_solutions_rev1.csv (one row of
// 37 vote fractions per GalaxyID) beside images_training_rev1/<GalaxyID>.jpg.
//
// It applies the HIWL selection (paper.md, after Zhu et al. 2019) that turns
// vote fractions into the five model classes, reports every row it cannot
// use with its line number, and splits the selected galaxies 80/10/10 per
// class. It never opens an image: pixels are the trainer's business.
package gzdata
