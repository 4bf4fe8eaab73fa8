package pretrained

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
)

// Tensor is one stored weight, in the layout of the file (Keras's: a
// convolution kernel is [kh, kw, in, out]).
type Tensor struct {
	Shape []int
	Data  []float32
}

// manifest is the part of a TF.js model.json that locates the weights.
type manifest struct {
	WeightsManifest []struct {
		Paths   []string `json:"paths"`
		Weights []struct {
			Name         string `json:"name"`
			Shape        []int  `json:"shape"`
			Dtype        string `json:"dtype"`
			Quantization *struct {
				Min   float64 `json:"min"`
				Scale float64 `json:"scale"`
				Dtype string  `json:"dtype"`
			} `json:"quantization"`
		} `json:"weights"`
	} `json:"weightsManifest"`
}

// maxWeights bounds what a model.json may ask to be read: far above
// MobileNetV2's 3.5 million numbers, far below what would exhaust memory.
const maxWeights = 1 << 26

// ReadTFJS reads the weights of the TF.js layers model whose model.json is
// in dir: float32 weights as stored, uint8 and uint16 ones dequantised
// (min + scale·q). Each group's shards are read in order and split as its
// manifest lists them; a shard shorter or longer than that is an error.
func ReadTFJS(dir string) (map[string]Tensor, error) {
	raw, err := os.ReadFile(filepath.Join(dir, "model.json"))
	if err != nil {
		return nil, fmt.Errorf("pretrained: %w", err)
	}
	var m manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("pretrained: %s/model.json: %w", dir, err)
	}
	out := map[string]Tensor{}
	total := 0
	for _, g := range m.WeightsManifest {
		var data []byte
		for _, p := range g.Paths {
			if filepath.Base(p) != p {
				return nil, fmt.Errorf("pretrained: shard %q is not a file beside model.json", p)
			}
			b, err := os.ReadFile(filepath.Join(dir, p))
			if err != nil {
				return nil, fmt.Errorf("pretrained: %w", err)
			}
			data = append(data, b...)
		}
		for _, w := range g.Weights {
			n := 1
			for _, d := range w.Shape {
				if d < 1 || n > maxWeights/d {
					return nil, fmt.Errorf("pretrained: weight %s has shape %v", w.Name, w.Shape)
				}
				n *= d
			}
			if total += n; total > maxWeights {
				return nil, fmt.Errorf("pretrained: more than %d weights", maxWeights)
			}
			dtype, size := w.Dtype, 4
			if w.Quantization != nil {
				dtype = w.Quantization.Dtype
				size = map[string]int{"uint8": 1, "uint16": 2}[dtype]
			}
			if dtype != "float32" && dtype != "uint8" && dtype != "uint16" {
				return nil, fmt.Errorf("pretrained: weight %s is stored as %q (want float32, or uint8 or uint16 quantised)", w.Name, dtype)
			}
			if len(data) < n*size {
				return nil, fmt.Errorf("pretrained: the shards end inside weight %s", w.Name)
			}
			t := Tensor{Shape: w.Shape, Data: make([]float32, n)}
			for i := range t.Data {
				switch dtype {
				case "float32":
					t.Data[i] = math.Float32frombits(binary.LittleEndian.Uint32(data[4*i:]))
				case "uint8":
					t.Data[i] = float32(w.Quantization.Min + w.Quantization.Scale*float64(data[i]))
				case "uint16":
					t.Data[i] = float32(w.Quantization.Min + w.Quantization.Scale*float64(binary.LittleEndian.Uint16(data[2*i:])))
				}
			}
			if _, dup := out[w.Name]; dup {
				return nil, fmt.Errorf("pretrained: weight %s is listed twice", w.Name)
			}
			out[w.Name] = t
			data = data[n*size:]
		}
		if len(data) != 0 {
			return nil, fmt.Errorf("pretrained: %d bytes after the last weight of shards %v", len(data), g.Paths)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("pretrained: %s/model.json lists no weights", dir)
	}
	return out, nil
}
