// Package gzdata reads labelled galaxies from a directory in one of two
// layouts: that of Galaxy Zoo - The Galaxy Challenge,
// training_solutions_rev1.csv (one row of 37 vote fractions per GalaxyID)
// beside images_training_rev1/<GalaxyID>.jpg, or class folders, one
// subfolder per class slug as torchvision's ImageFolder reads them.
//
// For the Challenge layout it applies the HIWL selection (paper.md, after
// Zhu et al. 2019) that turns vote fractions into the five model classes and
// reports every row it cannot use with its line number. Either way it splits
// the galaxies 70/15/15 per class with a seed. It never opens an image:
// pixels are the trainer's business.
package gzdata
