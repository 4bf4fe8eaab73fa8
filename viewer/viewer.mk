# Makefile fragment of the desktop viewer (viewer/); the root Makefile
# includes it. Paths are relative to the repository root.
#
# The packages that open a window are listed in VIEWER_XVFB_PKGS: without a
# display their tests only print why they skip (viewer/internal/early), so
# the root runs plain `go test` on every other package and test-viewer runs
# these for real under Xvfb. The headless viewer
# packages (overlay maths, gallery, view, script) are in VIEWER_HEADLESS_PKGS.

# Import paths, as `go list ./...` prints them (the root filters with them).
GO ?= go
VIEWER_XVFB_PKGS     := github.com/hiwl/hiwl/viewer
VIEWER_HEADLESS_PKGS := github.com/hiwl/hiwl/viewer/overlay github.com/hiwl/hiwl/viewer/gallery \
                        github.com/hiwl/hiwl/viewer/view github.com/hiwl/hiwl/viewer/script
VIEWER_XVFB          := xvfb-run -a -s "-screen 0 1280x800x24"
# The image in docs/viewer-screenshot.png: a Galaxy Zoo spiral with its map.
VIEWER_DOC_IMAGE     := ../shared/data/gz-challenge-5class/spiral/848953.jpg
VIEWER_ARGS          ?= ../shared/data/gz-challenge-spiral/validation

# The images in docs/viewer-grid.png: the first seven of each class of the
# five-class challenge set.
VIEWER_GRID_DIR      := ../shared/data/gz-challenge-5class
VIEWER_GRID_IMAGES   := $(foreach c,round in-between cigar edge-on spiral,$(wordlist 1,7,$(sort $(wildcard $(VIEWER_GRID_DIR)/$(c)/*.jpg))))

.PHONY: test-viewer test-viewer-all bench-viewer run-viewer viewer-screenshot viewer-grid-screenshot

# The real window under Xvfb: scripted screenshots, XTEST keys and clicks.
test-viewer:
	$(VIEWER_XVFB) $(GO) test -count=1 $(VIEWER_XVFB_PKGS)

# Everything of the viewer, headless packages included.
test-viewer-all:
	$(GO) test -count=1 $(VIEWER_HEADLESS_PKGS)
	$(VIEWER_XVFB) $(GO) test -count=1 $(VIEWER_XVFB_PKGS)

bench-viewer:
	$(GO) test -run '^$$' -bench . -benchmem $(VIEWER_HEADLESS_PKGS)

# Opens the viewer on a display: make run-viewer VIEWER_ARGS='-cmap jet some/folder'
run-viewer:
	$(GO) run ./viewer $(VIEWER_ARGS)

# Regenerates docs/viewer-screenshot.png with the scripted mode (run it
# again whenever model/default.onnx changes).
viewer-screenshot:
	$(VIEWER_XVFB) $(GO) run ./viewer -cmap inferno -class predicted \
		-screenshot docs/viewer-screenshot.png $(VIEWER_DOC_IMAGE)

# Regenerates docs/viewer-grid.png: the contact sheet of VIEWER_GRID_IMAGES,
# least certain first.
viewer-grid-screenshot:
	$(VIEWER_XVFB) $(GO) run ./viewer -grid -script 'wait;sort=confidence;move=1;screenshot=docs/viewer-grid.png' \
		$(VIEWER_GRID_IMAGES)
