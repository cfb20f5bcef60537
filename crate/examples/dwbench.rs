use effnet::kernels::dwconv_f32::*;
fn main() {
    let only: Option<usize> = std::env::var("ONLY").ok().map(|s| s.parse().unwrap());
    for (ci, &(c, h, k, s)) in [
        (32usize, 112usize, 3usize, 1usize),
        (96, 112, 3, 2),
        (144, 56, 3, 1),
        (240, 28, 5, 1),
        (672, 14, 5, 1),
        (1152, 7, 5, 1),
    ]
    .iter()
    .enumerate()
    {
        if only.is_some_and(|o| o != ci) {
            continue;
        }
        let pad = k / 2;
        let oh = (h + 2 * pad - k) / s + 1;
        let geo = Geometry {
            h,
            w: h,
            kh: k,
            kw: k,
            stride_h: s,
            stride_w: s,
            pad_top: pad,
            pad_left: pad,
            oh,
            ow: oh,
        };
        let plan = Plan::new(geo);
        let input: Vec<f32> = (0..c * h * h).map(|i| (i as f32 * 0.37).sin()).collect();
        let w: Vec<f32> = (0..c * k * k).map(|i| (i as f32 * 0.11).cos()).collect();
        let b: Vec<f32> = (0..c).map(|i| i as f32 * 0.01).collect();
        let mut out = vec![0f32; c * oh * oh];
        let reps = if only.is_some() { 2000 } else { 50 };
        let t = std::time::Instant::now();
        for _ in 0..reps {
            unsafe {
                dwconv(
                    &plan,
                    input.as_ptr(),
                    w.as_ptr(),
                    b.as_ptr(),
                    Some((0.0, 6.0)),
                    out.as_mut_ptr(),
                    c,
                    0..c,
                )
            };
        }
        let dt = t.elapsed().as_secs_f64() / reps as f64;
        let macs = (c * oh * oh * k * k) as f64;
        let r = reference(&geo, &input, &w, &b, Some((0.0, 6.0)), c, c);
        let diff = r
            .iter()
            .zip(&out)
            .filter(|(a, b)| a.to_bits() != b.to_bits())
            .count();
        println!(
            "c{c} {h}x{h} k{k} s{s}: {:.3} ms, {:.2} GMAC/s, {diff} differ",
            dt * 1e3,
            macs / dt / 1e9
        );
    }
}
