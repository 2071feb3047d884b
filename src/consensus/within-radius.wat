;; The inner loop of sphereCounts (sphere-counts.ts) in WebAssembly SIMD: one row against a run of
;; rows of a blocked matrix, a 128-bit block at a time (xor, i8x16.popcnt, widening sums), stopping a
;; pair once past the radius. Assembled by tools/wasm/build-within-radius.mjs into within-radius-wasm.ts.
(module
  (memory (export "memory") 1)
  ;; For each row b in [bStart, bEnd): when rows a and b differ in at most `radius` bits, counts[b] += 1.
  ;; Returns how many did. Rows are `stride` bytes (a multiple of 16) from address 0; counts are u32
  ;; from address `counts`.
  (func (export "countWithin")
    (param $a i32) (param $bStart i32) (param $bEnd i32) (param $stride i32) (param $radius i32) (param $counts i32)
    (result i32)
    (local $rowA i32) (local $rowB i32) (local $b i32) (local $w i32) (local $distance i32) (local $found i32) (local $sums v128)
    (local.set $rowA (i32.mul (local.get $a) (local.get $stride)))
    (local.set $b (local.get $bStart))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $b) (local.get $bEnd)))
        (local.set $rowB (i32.mul (local.get $b) (local.get $stride)))
        (local.set $distance (i32.const 0))
        (local.set $w (i32.const 0))
        (block $far
          (loop $blocks
            (local.set $sums
              (i32x4.extadd_pairwise_i16x8_u
                (i16x8.extadd_pairwise_i8x16_u
                  (i8x16.popcnt
                    (v128.xor
                      (v128.load (i32.add (local.get $rowA) (local.get $w)))
                      (v128.load (i32.add (local.get $rowB) (local.get $w))))))))
            (local.set $distance
              (i32.add (local.get $distance)
                (i32.add
                  (i32.add (i32x4.extract_lane 0 (local.get $sums)) (i32x4.extract_lane 1 (local.get $sums)))
                  (i32.add (i32x4.extract_lane 2 (local.get $sums)) (i32x4.extract_lane 3 (local.get $sums))))))
            (br_if $far (i32.gt_u (local.get $distance) (local.get $radius)))
            (local.set $w (i32.add (local.get $w) (i32.const 16)))
            (br_if $blocks (i32.lt_u (local.get $w) (local.get $stride))))
          (local.set $found (i32.add (local.get $found) (i32.const 1)))
          (i32.store
            (i32.add (local.get $counts) (i32.shl (local.get $b) (i32.const 2)))
            (i32.add (i32.load (i32.add (local.get $counts) (i32.shl (local.get $b) (i32.const 2)))) (i32.const 1))))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $rows)))
    (local.get $found)))
