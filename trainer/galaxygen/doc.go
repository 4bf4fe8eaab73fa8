// Package galaxygen makes a labelled five-class training set when no real
// one can be shipped: procedurally rendered galaxies written in exactly the
// layout of Galaxy Zoo - The Galaxy Challenge (training_solutions_rev1.csv
// plus images_training_rev1/<GalaxyID>.jpg), so the trainer reads them
// through the same loader (package gzdata) as the real data.
//
// Each image is rendered in linear flux in three bands from physically
// motivated light profiles - Sersic spheroids, thin exponential disks with
// dust lanes, disks with logarithmic spiral arms - then convolved with a
// Gaussian PSF, given sky and photon-like noise, foreground stars and
// neighbours, and mapped to 8-bit colour with the asinh stretch of the SDSS
// colour images (Lupton et al. 2004) the volunteers looked at. Vote
// fractions follow the Galaxy Zoo 2 decision tree, and a few percent of
// galaxies are drawn near a class boundary with votes split to match.
//
// Everything is a pure function of (seed, image index), so a data set is
// reproducible byte for byte whatever the number of workers.
package galaxygen

//go:generate go test -run TestSamplesSheet -update-samples .
