package release

import (
	"archive/tar"
	"archive/zip"
	"compress/flate"
	"compress/gzip"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"time"
)

// File is one file of an archive.
type File struct {
	// Name is the slash-separated path inside the archive's folder.
	Name string
	Mode fs.FileMode
	Data []byte
}

// sorted returns files ordered by name, so the order they were given in
// does not change the archive.
func sorted(files []File) []File {
	out := append([]File(nil), files...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// WriteTarGz writes a gzip-compressed tar holding the folder base/ and the
// files in it, sorted by name, every entry owned by 0:0 with the given
// modification time, and a gzip header without name or time.
func WriteTarGz(w io.Writer, base string, files []File, mtime time.Time) error {
	gz, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return fmt.Errorf("gzip: %w", err)
	}
	tw := tar.NewWriter(gz)
	mtime = mtime.UTC().Truncate(time.Second)
	dir := &tar.Header{Typeflag: tar.TypeDir, Name: base + "/", Mode: 0o755, ModTime: mtime}
	if err := tw.WriteHeader(canonical(dir)); err != nil {
		return fmt.Errorf("tar: %w", err)
	}
	for _, f := range sorted(files) {
		h := &tar.Header{Typeflag: tar.TypeReg, Name: path.Join(base, f.Name), Mode: int64(f.Mode.Perm()),
			Size: int64(len(f.Data)), ModTime: mtime}
		if err := tw.WriteHeader(canonical(h)); err != nil {
			return fmt.Errorf("tar: %s: %w", f.Name, err)
		}
		if _, err := tw.Write(f.Data); err != nil {
			return fmt.Errorf("tar: %s: %w", f.Name, err)
		}
	}
	if err := tw.Close(); err != nil {
		return fmt.Errorf("tar: %w", err)
	}
	if err := gz.Close(); err != nil {
		return fmt.Errorf("gzip: %w", err)
	}
	return nil
}

// canonical clears everything of a tar header that could differ between
// machines: owner names and ids, access and change times.
func canonical(h *tar.Header) *tar.Header {
	h.Uid, h.Gid, h.Uname, h.Gname = 0, 0, "", ""
	h.AccessTime, h.ChangeTime = time.Time{}, time.Time{}
	h.PAXRecords = nil
	// USTAR holds every name and size a release has; PAX is allowed only
	// when a name needs it, which keeps the headers free of PAX records.
	h.Format = tar.FormatUSTAR
	if len(h.Name) > 100 {
		h.Format = tar.FormatPAX
	}
	return h
}

// WriteZip writes a zip holding the folder base/ and the files in it,
// sorted by name, with the given modification time (in UTC, so the MS-DOS
// time does not depend on the machine's zone) and Unix modes.
func WriteZip(w io.Writer, base string, files []File, mtime time.Time) error {
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(out, flate.BestCompression)
	})
	mtime = mtime.UTC().Truncate(2 * time.Second)
	dir := &zip.FileHeader{Name: base + "/", Method: zip.Store, Modified: mtime}
	dir.SetMode(fs.ModeDir | 0o755)
	if _, err := zw.CreateHeader(dir); err != nil {
		return fmt.Errorf("zip: %w", err)
	}
	for _, f := range sorted(files) {
		h := &zip.FileHeader{Name: path.Join(base, f.Name), Method: zip.Deflate, Modified: mtime}
		h.SetMode(f.Mode.Perm())
		fw, err := zw.CreateHeader(h)
		if err != nil {
			return fmt.Errorf("zip: %s: %w", f.Name, err)
		}
		if _, err := fw.Write(f.Data); err != nil {
			return fmt.Errorf("zip: %s: %w", f.Name, err)
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("zip: %w", err)
	}
	return nil
}
