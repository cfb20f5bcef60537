//! A fuzzer for the decode path, natively: real files (the fixtures' JPEGs, baseline and
//! progressive, and PNGs; WebP and GIF seeds made from them; camera RAWs around them) mutated
//! as a fuzzer does ([`mutate`]), each decoded both ways ('exact' and 'fast'). Every input must
//! end in pixels or an error: no panic, no hang, no allocation beyond what the size it declares
//! needs, and never more pixels than the limit admits. CI runs a fixed budget from a fixed
//! seed; `EFFNET_FUZZ_SECS=600 EFFNET_FUZZ_SEED=<n>` runs longer (tests/rust/bad_input.rs).

pub mod bombs;
pub mod meter;
pub mod mutate;

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use effnet::decode::format::Format;
use effnet::decode::limits::{self, MAX_PIXELS};
use effnet::decode::{decode_bytes, decode_bytes_fast, DecodedImage};
use effnet::manifest::Preprocess;
use effnet::Error;

use meter::Used;
use mutate::{mutate, Rng};

/// The fixtures mutated: every format and JPEG kind the decoders take apart differently.
pub const SEEDS: [&str; 25] = [
    "tests/fixtures/jpeg/chelsea-420.jpg",
    "tests/fixtures/jpeg/chelsea-422.jpg",
    "tests/fixtures/jpeg/chelsea-gray.jpg",
    "tests/fixtures/jpeg/chelsea-420-progressive.jpg",
    "tests/fixtures/odd/cmyk.jpg",
    "tests/fixtures/odd/exif-rotated.jpg",
    "tests/fixtures/odd/gray16.png",
    "tests/fixtures/odd/rgba.png",
    "tests/fixtures/odd/one-pixel.png",
    "tests/rust/fuzz/seeds/lossy.webp",
    "tests/rust/fuzz/seeds/lossy-alpha.webp",
    "tests/rust/fuzz/seeds/lossless.webp",
    "tests/rust/fuzz/seeds/animated.webp",
    "tests/rust/fuzz/seeds/interlaced.gif",
    "tests/rust/fuzz/seeds/animated.gif",
    // camera RAWs: TIFF IFDs, ISO-BMFF boxes and RAF's header, each around a JPEG preview
    "tests/fixtures/raw/coffee.dng",
    "tests/fixtures/raw/chelsea.cr2",
    "tests/fixtures/raw/coffee.cr3",
    "tests/fixtures/raw/chelsea.nef",
    "tests/fixtures/raw/coffee.arw",
    "tests/fixtures/raw/chelsea.raf",
    "tests/fixtures/raw/coffee.orf",
    "tests/fixtures/raw/chelsea.rw2",
    "tests/fixtures/raw/coffee-rotated-6.cr2",
    "tests/fixtures/raw/chelsea-rotated-8.cr3",
];

/// An input is a hang past this (a mutated file decodes in milliseconds).
const HANG: Duration = Duration::from_secs(30);

/// Inputs declaring more pixels than this (a 40 MP camera's), admitted or not, are judged by
/// the size check alone (`limits` is tested on its own): decoding the garbage a mutation turned
/// into a 200 MP image takes seconds and a gigabyte, and shows nothing that 40 MP does not.
const DECODED_AT_MOST: u64 = 40_000_000;

pub enum Budget {
    Inputs(u64),
    Time(Duration),
}

#[derive(Default, Debug)]
pub struct Report {
    pub inputs: u64,
    pub decodes: u64,
    pub pixels: u64,
    pub too_large: u64,
    /// inputs declaring more than [`DECODED_AT_MOST`] pixels, only size-checked
    pub large: u64,
    pub other_errors: u64,
    pub elapsed: Duration,
    pub slowest: Duration,
    /// the most heap one decode held, and the largest single request
    pub peak: usize,
    pub largest: usize,
    pub failures: Vec<String>,
}

pub fn run(root: &Path, preprocess: &Preprocess, seed: u64, budget: Budget) -> Report {
    let seeds: Vec<Vec<u8>> = SEEDS
        .iter()
        .map(|p| std::fs::read(root.join(p)).unwrap_or_else(|e| panic!("{p}: {e}")))
        .collect();
    let mut rng = Rng::new(seed);
    let mut report = Report::default();
    let started = Instant::now();
    let watch = Watchdog::start();
    let _quiet = QuietPanics::install();
    loop {
        let done = match budget {
            Budget::Inputs(n) => report.inputs >= n,
            Budget::Time(t) => started.elapsed() >= t,
        };
        if done {
            break;
        }
        let i = rng.below(seeds.len());
        let other = rng.below(seeds.len());
        let input = mutate(&mut rng, &seeds[i], &seeds[other]);
        watch.saving(&input, seed, report.inputs);
        if let Some(n) = declared(&input).filter(|&n| n > DECODED_AT_MOST) {
            report.large += 1;
            // over the limit: refused (as too large, or first as cut short); else not for size
            let wrong = match effnet::decode::open("fuzz", &input) {
                Ok(_) => n > MAX_PIXELS,
                Err(Error::TooLarge { .. }) => {
                    report.too_large += 1;
                    n <= MAX_PIXELS
                }
                Err(_) => false,
            };
            if wrong {
                let at = save(&input, seed, report.inputs);
                let i = report.inputs;
                let msg = format!("input {i}: the size check is wrong for {n} pixels: {at:?}");
                report.failures.push(msg);
            }
            report.inputs += 1;
            continue;
        }
        for fast in [false, true] {
            let t0 = Instant::now();
            let (out, used) = meter::measure(|| {
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    if fast {
                        decode_bytes_fast("fuzz", &input, preprocess)
                    } else {
                        decode_bytes("fuzz", &input)
                    }
                }))
            });
            let took = t0.elapsed();
            report.decodes += 1;
            report.slowest = report.slowest.max(took);
            report.peak = report.peak.max(used.peak);
            report.largest = report.largest.max(used.largest);
            let fault = judge(&input, out, used, took, &mut report);
            if let Some(fault) = fault {
                let at = save(&input, seed, report.inputs);
                let way = if fast { "fast" } else { "exact" };
                report.failures.push(format!(
                    "input {} ({} from {}, decode {way}): {fault}; saved as {}",
                    report.inputs,
                    input.len(),
                    SEEDS[i],
                    at.display()
                ));
            }
        }
        report.inputs += 1;
    }
    watch.stop();
    report.elapsed = started.elapsed();
    report
}

type Outcome = std::thread::Result<effnet::Result<DecodedImage>>;

/// What is wrong with one decode's outcome, if anything.
fn judge(
    input: &[u8],
    out: Outcome,
    used: Used,
    took: Duration,
    report: &mut Report,
) -> Option<String> {
    // the pixels the file declares, if it is within the limits: what a decode may allocate for
    let declared = declared(input).filter(|&n| n <= MAX_PIXELS).unwrap_or(0);
    // RGBA out, the decoder's own buffer (16-bit RGBA at most) and an orientation's copy, plus
    // what a decoder keeps whatever the size (tables, a progressive JPEG's coefficients)
    let allowed = 24 * declared as usize + 64 * 1024 * 1024 + 8 * input.len();
    if used.largest as u64 > MAX_PIXELS * 8 || used.largest > allowed {
        return Some(format!(
            "asked for {} bytes at once, declaring {declared} pixels",
            used.largest
        ));
    }
    if used.peak > allowed {
        return Some(format!(
            "held {} bytes, declaring {declared} pixels",
            used.peak
        ));
    }
    // a hang, not a slow machine: a mutated file decodes in milliseconds, in seconds what
    // declares 4 Mpx
    if took > Duration::from_secs(10) + Duration::from_micros(declared) {
        return Some(format!("took {took:?} for {declared} pixels"));
    }
    match out {
        Err(_) => Some(format!("panicked: {}", QuietPanics::last())),
        Ok(Ok(img)) => {
            report.pixels += img.width as u64 * img.height as u64;
            let n = img.width as u64 * img.height as u64;
            if n > declared || img.rgba.len() as u64 != n * 4 {
                Some(format!(
                    "decoded {}x{} ({} bytes), declaring {declared} pixels",
                    img.width,
                    img.height,
                    img.rgba.len()
                ))
            } else {
                None
            }
        }
        Ok(Err(Error::TooLarge { .. })) => {
            report.too_large += 1;
            None
        }
        Ok(Err(Error::Decode { .. } | Error::Image { .. })) => {
            report.other_errors += 1;
            None
        }
        Ok(Err(e)) => Some(format!("an error of the wrong kind: {e:?}")),
    }
}

/// The pixels `input`'s headers declare; `u64::MAX` past the side limit.
fn declared(input: &[u8]) -> Option<u64> {
    let (w, h) = Format::sniff(input).and_then(|f| (f.spec().size)(input))?;
    Some(
        match limits::admits(w as u64, 1) && limits::admits(1, h as u64) {
            true => w as u64 * h as u64,
            false => u64::MAX,
        },
    )
}

fn failures_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("fuzz-failures")
}

fn save(input: &[u8], seed: u64, index: u64) -> PathBuf {
    let dir = failures_dir();
    std::fs::create_dir_all(&dir).unwrap();
    let at = dir.join(format!("seed{seed}-input{index}.bin"));
    std::fs::write(&at, input).unwrap();
    at
}

/// Aborts the process, with the input saved and named, if one decode runs past [`HANG`]: a
/// hung decoder would otherwise hang the test run with nothing said.
struct Watchdog {
    since: Arc<AtomicU64>,
    input: Arc<std::sync::Mutex<(Vec<u8>, u64, u64)>>,
    epoch: Instant,
}

impl Watchdog {
    fn start() -> Self {
        let w = Watchdog {
            since: Arc::new(AtomicU64::new(0)),
            input: Arc::default(),
            epoch: Instant::now(),
        };
        let (since, input, epoch) = (w.since.clone(), w.input.clone(), w.epoch);
        std::thread::spawn(move || loop {
            std::thread::sleep(Duration::from_millis(500));
            let t = since.load(Ordering::Relaxed);
            if t == u64::MAX {
                return;
            }
            if t > 0 && epoch.elapsed().as_millis() as u64 - t > HANG.as_millis() as u64 {
                let (bytes, seed, index) = &*input.lock().unwrap();
                let at = save(bytes, *seed, *index);
                eprintln!("fuzz: input {index} hangs past {HANG:?}: {}", at.display());
                std::process::abort();
            }
        });
        w
    }

    /// `input` is being decoded from now on.
    fn saving(&self, input: &[u8], seed: u64, index: u64) {
        *self.input.lock().unwrap() = (input.to_vec(), seed, index);
        let now = self.epoch.elapsed().as_millis() as u64;
        self.since.store(now.max(1), Ordering::Relaxed);
    }

    fn stop(&self) {
        self.since.store(u64::MAX, Ordering::Relaxed);
    }
}

thread_local! {
    static QUIET: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Panics on this thread are kept (for the report), not printed; other threads' panics (other
/// tests) print as ever.
struct QuietPanics;

impl QuietPanics {
    fn install() -> Self {
        QUIET.with(|q| *q.borrow_mut() = Some(String::new()));
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let kept = QUIET.with(|q| match q.borrow_mut().as_mut() {
                Some(last) => {
                    *last = info.to_string();
                    true
                }
                None => false,
            });
            if !kept {
                default(info);
            }
        }));
        QuietPanics
    }

    fn last() -> String {
        QUIET.with(|q| q.borrow().clone().unwrap_or_default())
    }
}

impl Drop for QuietPanics {
    fn drop(&mut self) {
        QUIET.with(|q| *q.borrow_mut() = None);
    }
}
