module github.com/owulveryck/onnx-go

go 1.17

require (
	github.com/davecgh/go-spew v1.1.0
	github.com/pkg/errors v0.8.1
	github.com/stretchr/testify v1.4.0
	gonum.org/v1/gonum v0.0.0-20190902003836-43865b531bee
	google.golang.org/protobuf v1.36.12
	gorgonia.org/tensor v0.9.3
)
