;; The integer dot products of www/tagger/vectors.js with wasm SIMD (16 int8 products per
;; instruction pair instead of one), compiled by tools/dot_wasm.mjs into www/tagger/dot-wasm.js.
(module
  (memory (export "memory") 1)
  ;; out[r] = sum_i data[r*dims + i] * q[i] for r in 0..rows; dims a multiple of 16
  (func (export "dots") (param $data i32) (param $q i32) (param $rows i32) (param $dims i32) (param $out i32)
    (local $r i32) (local $i i32) (local $acc v128) (local $row i32) (local $a v128) (local $b v128)
    (block $done
      (loop $rowl
        (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $acc (v128.const i32x4 0 0 0 0))
        (local.set $i (i32.const 0))
        (local.set $row (i32.add (local.get $data) (i32.mul (local.get $r) (local.get $dims))))
        (block $idone
          (loop $il
            (br_if $idone (i32.ge_u (local.get $i) (local.get $dims)))
            (local.set $a (v128.load (i32.add (local.get $row) (local.get $i))))
            (local.set $b (v128.load (i32.add (local.get $q) (local.get $i))))
            (local.set $acc (i32x4.add (local.get $acc)
              (i32x4.add
                (i32x4.extadd_pairwise_i16x8_s (i16x8.extmul_low_i8x16_s (local.get $a) (local.get $b)))
                (i32x4.extadd_pairwise_i16x8_s (i16x8.extmul_high_i8x16_s (local.get $a) (local.get $b))))))
            (local.set $i (i32.add (local.get $i) (i32.const 16)))
            (br $il)))
        (i32.store (i32.add (local.get $out) (i32.shl (local.get $r) (i32.const 2)))
          (i32.add (i32.add (i32x4.extract_lane 0 (local.get $acc)) (i32x4.extract_lane 1 (local.get $acc)))
                   (i32.add (i32x4.extract_lane 2 (local.get $acc)) (i32x4.extract_lane 3 (local.get $acc)))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rowl)))))
