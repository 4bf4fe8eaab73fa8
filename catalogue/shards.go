package catalogue

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"slices"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/hiwl/hiwl/model"
)

func init() {
	register.DoFn1x2[Row, int, Row](&shardKeyFn{})
	register.Function1x2[int, int, int](shardMarker)
	register.DoFn4x1[context.Context, int, func(*int) bool, func(*Row) bool, error](&writeShardFn{})
	register.Iter1[int]()
	register.Iter1[Row]()
}

// IDColumn is the first column of the catalogue's CSV, before
// model.CSVHeader's.
const IDColumn = "id"

// Header is the catalogue CSV's column list.
func Header() []string { return append([]string{IDColumn}, model.CSVHeader...) }

// ShardName is the file of shard i of n: PREFIX-00002-of-00016.csv, the
// naming of Beam's own sharded sinks.
func ShardName(prefix string, i, n int) string {
	return fmt.Sprintf("%s-%05d-of-%05d.csv", prefix, i, n)
}

// shardOf places an id: FNV-1a of its bytes modulo the shard count, so a
// row's shard depends on nothing but its id.
func shardOf(id string, n int) int {
	h := fnv.New32a()
	h.Write([]byte(id))
	return int(h.Sum32() % uint32(n))
}

type shardKeyFn struct{ Shards int }

func (fn *shardKeyFn) ProcessElement(r Row) (int, Row) { return shardOf(r.ID, fn.Shards), r }

func shardMarker(i int) (int, int) { return i, i }

// writeShards writes rows as Shards CSV files. Every shard is written, the
// empty ones too (a marker per shard index joins the rows' CoGroupByKey),
// so the set of files does not depend on the data.
func writeShards(s beam.Scope, rows beam.PCollection, prefix string, shards int) {
	s = s.Scope("WriteShards")
	idx := make([]any, shards)
	for i := range idx {
		idx[i] = i
	}
	markers := beam.ParDo(s, shardMarker, beam.Create(s, idx...))
	keyed := beam.ParDo(s, &shardKeyFn{Shards: shards}, rows)
	beam.ParDo0(s, &writeShardFn{Prefix: prefix, Shards: shards}, beam.CoGroupByKey(s, markers, keyed))
}

// writeShardFn sorts one shard's rows (by id, then by the whole record)
// and writes them under a temporary name, renamed into place once
// complete: a retried bundle rewrites the same bytes, and a reader never
// sees half a shard where the file system can rename (local, gs://; s3://
// objects appear whole when their upload completes).
type writeShardFn struct {
	Prefix string
	Shards int
}

func (fn *writeShardFn) ProcessElement(ctx context.Context, shard int, _ func(*int) bool, rows func(*Row) bool) error {
	var all []Row
	var r Row
	for rows(&r) {
		all = append(all, r)
		r = Row{}
	}
	slices.SortFunc(all, func(a, b Row) int {
		if c := strings.Compare(a.ID, b.ID); c != 0 {
			return c
		}
		return slices.Compare(a.Record, b.Record)
	})
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write(Header())
	for _, r := range all {
		w.Write(r.Record)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	return writeFile(ctx, ShardName(fn.Prefix, shard, fn.Shards), buf.Bytes())
}

// writeFile writes data to path through Beam's file systems, atomically
// where the file system can rename.
func writeFile(ctx context.Context, path string, data []byte) error {
	fs, err := filesystem.New(ctx, path)
	if err != nil {
		return err
	}
	defer fs.Close()
	rn, canRename := fs.(filesystem.Renamer)
	tmp := path
	if canRename {
		var b [6]byte
		rand.Read(b[:])
		tmp = path + ".tmp-" + hex.EncodeToString(b[:])
	}
	w, err := fs.OpenWrite(ctx, tmp)
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	_, err = io.Copy(w, bytes.NewReader(data))
	if err = errors.Join(err, w.Close()); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if canRename {
		if err := rn.Rename(ctx, tmp, path); err != nil {
			return fmt.Errorf("writing %s: %w", path, err)
		}
	}
	return nil
}
