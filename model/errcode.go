package model

import (
	"errors"
	"fmt"
)

// Code is a stable name for why an input could not be classified. Every
// runtime reports it (the page's failure "code", the edge's JSON "code") and
// only maps it to its transport: an HTTP status at the edge, a message box on
// the page. What each failure is called, and whether the input or the
// classifier is to blame, is decided here once, by ErrorCode.
type Code string

const (
	CodeEmpty        Code = "empty"          // no bytes at all (ErrEmpty)
	CodeNotImage     Code = "not_image"      // not a JPEG, PNG or GIF (ErrNotImage)
	CodeCorrupt      Code = "corrupt"        // truncated or corrupt image data (ErrCorrupt)
	CodeTooLarge     Code = "too_large"      // over MaxSide or MaxPixels (ErrTooLarge)
	CodeTooSmall     Code = "too_small"      // under MinSide (ErrTooSmall)
	CodeFileTooLarge Code = "file_too_large" // more bytes than the runtime accepts (ErrFileTooLarge)
	CodeBadModel     Code = "bad_model"      // the model file cannot be used (ErrBadModel)
	CodeInternal     Code = "internal"       // anything else: a fault of the classifier
)

// ErrorCode is the Code of err, found with errors.Is through any wrapping;
// "" for nil, CodeInternal for an error this package does not know.
func ErrorCode(err error) Code {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, ErrEmpty):
		return CodeEmpty
	case errors.Is(err, ErrNotImage):
		return CodeNotImage
	case errors.Is(err, ErrCorrupt):
		return CodeCorrupt
	case errors.Is(err, ErrTooLarge):
		return CodeTooLarge
	case errors.Is(err, ErrTooSmall):
		return CodeTooSmall
	case errors.Is(err, ErrFileTooLarge):
		return CodeFileTooLarge
	case errors.Is(err, ErrBadModel):
		return CodeBadModel
	}
	return CodeInternal
}

// InputFault reports whether the input is to blame (a client error), not
// the classifier.
func (c Code) InputFault() bool {
	switch c {
	case CodeEmpty, CodeNotImage, CodeCorrupt, CodeTooLarge, CodeTooSmall, CodeFileTooLarge:
		return true
	}
	return false
}

// Message is the code in one sentence for a person who picked the file.
func (c Code) Message() string {
	switch c {
	case CodeEmpty:
		return "The file is empty."
	case CodeNotImage:
		return "This file is not a JPEG, PNG or GIF image."
	case CodeCorrupt:
		return "The image data is truncated or corrupt."
	case CodeTooLarge:
		return fmt.Sprintf("The image is too large: at most %d pixels per side and %d megapixels.", MaxSide, MaxPixels/1_000_000)
	case CodeTooSmall:
		return fmt.Sprintf("The image is too small: at least %dx%d pixels.", MinSide, MinSide)
	case CodeFileTooLarge:
		return "The file is too large."
	case CodeBadModel:
		return "The classifier's model file cannot be used."
	}
	return "The classifier could not process this image."
}
