package models

// MaxProfileBytes is the largest kernel profile ReadProfile reads: 64 MiB
// (the shipped profiles/default.yaml, the whole zoo, is 76 KB). A larger input is
// refused with an error naming the limit; it used to be cut at the limit
// without a word.
const MaxProfileBytes = 64 << 20

// maxProfileAxes is the most axes a shape in a kernel profile may have:
// Caffe's limit for a blob (kMaxBlobAxes = 32, caffe/blob.hpp).
const maxProfileAxes = 32
