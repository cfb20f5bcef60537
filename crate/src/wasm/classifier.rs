//! JS bindings (wasm-bindgen). Errors cross as JS `Error`s whose `name` is their stable code
//! ([`Error::code`]) that the JS library turns into `EffnetError`.

use wasm_bindgen::prelude::*;

use crate::classifier::Classifier;
use crate::embedding::{EmbedOptions, Embedding};
use crate::engine::Outputs;
use crate::error::Error;
use crate::manifest::ModelEntry;
use crate::pixels::Rgba;
use crate::postprocess::Filter;
use crate::preprocess::Input;

#[cfg(feature = "threads")]
pub use wasm_bindgen_rayon::init_thread_pool;

// failed allocations are noted before the abort that follows them (src/trap.rs)
#[global_allocator]
static ALLOCATOR: crate::trap::Recording = crate::trap::Recording;

#[wasm_bindgen(start)]
fn start() {
    // a bug becomes a readable message, on the console and for `lastTrap`, instead of a bare
    // "unreachable executed"
    crate::trap::install();
}

/// Why this instance trapped (a panic's message and location, or the allocation that failed),
/// or undefined if it recorded nothing: the JS library reads it when a call ends in a
/// `WebAssembly.RuntimeError`. Builds the string without allocating in wasm memory.
#[wasm_bindgen(js_name = lastTrap)]
pub fn last_trap() -> Option<js_sys::JsString> {
    let mut buf = [0u8; 1024];
    let n = crate::trap::last_into(&mut buf);
    (n > 0).then(|| js_sys::JsString::from(std::str::from_utf8(&buf[..n]).unwrap_or("trap")))
}

/// For the tests: makes the next `infer` panic (`"panic"`) or fail to allocate (`"oom"`).
#[wasm_bindgen(js_name = armTrapForTests)]
pub fn arm_trap_for_tests(kind: &str) {
    crate::trap::arm(match kind {
        "panic" => 1,
        "oom" => 2,
        _ => 0,
    });
}

fn js_error(e: Error) -> JsValue {
    let err = js_sys::Error::new(&e.to_string());
    err.set_name(e.code());
    err.into()
}

/// True in the build made with `+atomics` and the rayon pool.
#[wasm_bindgen(js_name = threadsBuild)]
pub fn threads_build() -> bool {
    cfg!(feature = "threads")
}

/// Makes tract run its matrix products (1x1 convolutions included) on the rayon pool started by
/// `initThreadPool` (a no-op in the single-threaded build).
#[wasm_bindgen(js_name = useThreadPool)]
pub fn use_thread_pool() {
    #[cfg(feature = "threads")]
    tract_linalg::multithread::set_default_executor(
        tract_linalg::multithread::Executor::RayonGlobal,
    );
    // Everything tract splits by element count stays on one thread: element-wise ops (ReLU6),
    // depthwise convolutions, reductions, the packing of activations. Split across the pool,
    // ReLU6 and the depthwise convolutions took 2.7 and 8.6 ms of a Lite0 run instead of 0.4
    // and 3.5 (`npm run bench`'s profile, 2 threads). The matrix products, which are where two
    // threads pay, have thresholds of their own and stay parallel.
    #[cfg(feature = "threads")]
    tract_linalg::multithread::set_threading_element_threshold(usize::MAX);
}

/// Whether models created from now on use our f32 GEMM kernel (default) or tract-linalg's own
/// (src/kernels/): the benchmark's A/B.
#[wasm_bindgen(js_name = setOwnGemm)]
pub fn set_own_gemm(on: bool) {
    #[cfg(target_feature = "simd128")]
    crate::kernels::use_own_gemm(on);
    #[cfg(not(target_feature = "simd128"))]
    let _ = on;
}

/// Whether models created from now on use our depthwise convolution, bias and clamp fused
/// (default), or tract's own (src/kernels/dwconv_op.rs): the benchmark's A/B.
#[wasm_bindgen(js_name = setOwnDwconv)]
pub fn set_own_dwconv(on: bool) {
    crate::kernels::use_own_dwconv(on);
}

/// Runs the depthwise convolution's per-operation check (src/kernels/dwconv_check.rs) in this
/// build: JSON, one outcome per case.
#[wasm_bindgen(js_name = dwconvSelfTest)]
pub fn dwconv_self_test() -> Result<String, JsValue> {
    let outcomes = crate::kernels::dwconv_check::check_all()
        .map_err(|e| js_error(Error::Inference(format!("{e:#}"))))?;
    Ok(serde_json::to_string(&outcomes).expect("plain structs serialise"))
}

/// Whether models created from now on use our 1x1 convolution with its bias, clamp and
/// residual add fused (default), or tract's matrix product (src/kernels/pointwise_op.rs).
#[wasm_bindgen(js_name = setOwnPointwise)]
pub fn set_own_pointwise(on: bool) {
    crate::kernels::use_own_pointwise(on);
}

/// Runs the 1x1 convolution's per-operation check (src/kernels/pointwise_check.rs) in this
/// build: JSON, one outcome per case.
#[wasm_bindgen(js_name = pointwiseSelfTest)]
pub fn pointwise_self_test() -> Result<String, JsValue> {
    let outcomes = crate::kernels::pointwise_check::check_all()
        .map_err(|e| js_error(Error::Inference(format!("{e:#}"))))?;
    Ok(serde_json::to_string(&outcomes).expect("plain structs serialise"))
}

/// Whether the pool's threads poll for work during an inference instead of sleeping between
/// operators (default on; `src/warm_pool.rs`). A no-op without threads.
#[wasm_bindgen(js_name = setWarmPool)]
pub fn set_warm_pool(on: bool) {
    #[cfg(feature = "threads")]
    crate::warm_pool::set_enabled(on);
    #[cfg(not(feature = "threads"))]
    let _ = on;
}

/// What the thread pool's helpers did since the last call, as JSON (`src/warm_pool.rs`
/// `Stats`), for `npm run bench`; `null` without threads.
#[wasm_bindgen(js_name = poolStats)]
pub fn pool_stats() -> Option<String> {
    #[cfg(feature = "threads")]
    {
        let s = crate::warm_pool::take_stats();
        Some(format!(
            r#"{{"runs":{},"ops":{},"opsAlone":{},"chunks":{},"helperChunks":{}}}"#,
            s.runs, s.ops, s.ops_alone, s.chunks, s.helper_chunks
        ))
    }
    #[cfg(not(feature = "threads"))]
    None
}

#[wasm_bindgen]
pub struct WasmClassifier {
    inner: Classifier,
    input: Option<Input>,
    raw: Outputs,
    probs: Vec<f32>,
}

#[wasm_bindgen]
impl WasmClassifier {
    /// `entry`: a manifest entry as JSON. The bytes' size and sha256 are checked in JS
    /// (www/src/shared/model-session.js) before they get here.
    #[wasm_bindgen(constructor)]
    pub fn new(entry: &str, model: &[u8]) -> Result<WasmClassifier, JsValue> {
        let entry = ModelEntry::from_json(entry).map_err(js_error)?;
        let inner = Classifier::new_unverified(entry, model).map_err(js_error)?;
        Ok(Self {
            inner,
            input: None,
            raw: Outputs::default(),
            probs: vec![],
        })
    }

    /// Checks a filter (the JSON `categories` takes) against the model's labels, so that a bad
    /// option is refused before any pixel work.
    #[wasm_bindgen(js_name = checkFilter)]
    pub fn check_filter(&self, filter: &str) -> Result<(), JsValue> {
        self.inner.check(&parse_filter(filter)?).map_err(js_error)
    }

    /// Step 1: RGBA8 pixels (any size) -> the model's input, kept for `infer`.
    pub fn preprocess(&mut self, rgba: &[u8], width: u32, height: u32) -> Result<(), JsValue> {
        let img = Rgba::new(width, height, rgba).map_err(js_error)?;
        self.input = Some(self.inner.preprocess(&img).map_err(js_error)?);
        Ok(())
    }

    /// Step 2: run the model on the preprocessed input (kept, so that `profile` can rerun it).
    pub fn infer(&mut self) -> Result<(), JsValue> {
        let input = self.last_input("infer")?;
        crate::trap::fire_if_armed();
        #[cfg(feature = "threads")]
        let raw = crate::warm_pool::run(self.tract_serial(), || self.inner.run(input));
        #[cfg(not(feature = "threads"))]
        let raw = self.inner.run(input);
        self.raw = raw.map_err(js_error)?;
        self.probs = self.inner.to_probabilities(self.raw.scores.clone());
        Ok(())
    }

    /// Values in this model's embedding, or undefined if its entry names no embedding output.
    #[wasm_bindgen(js_name = embeddingSize)]
    pub fn embedding_size(&self) -> Option<u32> {
        self.inner.embedding_size().map(|n| n as u32)
    }

    /// Refuses (BAD_OPTIONS) a model without an embedding, before any pixel work.
    #[wasm_bindgen(js_name = checkEmbedding)]
    pub fn check_embedding(&self) -> Result<(), JsValue> {
        self.inner.check_embedding().map_err(js_error)
    }

    /// Step 3 of `embed` (or beside `categories`): the last inference's embedding, a
    /// `Float32Array`, or with `quantize` an `Int8Array` of the L2-normalised values.
    pub fn embedding(&self, l2_normalize: bool, quantize: bool) -> Result<JsValue, JsValue> {
        let options = EmbedOptions {
            l2_normalize,
            quantize,
        };
        Ok(
            match self
                .inner
                .to_embedding(&self.raw, &options)
                .map_err(js_error)?
            {
                Embedding::Float(v) => js_sys::Float32Array::from(&v[..]).into(),
                Embedding::Quantized(v) => js_sys::Int8Array::from(&v[..]).into(),
            },
        )
    }

    /// Step 3: the categories the filter keeps, as JSON `[{index, label, score}]`.
    /// `filter`: JSON `{maxResults (null: all), scoreThreshold, categoryAllowlist,
    /// categoryDenylist}`, every field given (www/src/shared/classify-options.js).
    pub fn categories(&self, filter: &str) -> Result<String, JsValue> {
        let cats = self
            .inner
            .categories(&self.probs, &parse_filter(filter)?)
            .map_err(js_error)?;
        Ok(serde_json::to_string(&cats).expect("plain structs serialise"))
    }

    /// The preprocessed input tensor (flat, in the model's layout), to feed other runtimes.
    pub fn input(&self) -> Vec<f32> {
        self.input
            .as_ref()
            .map(|i| i.data.clone())
            .unwrap_or_default()
    }

    /// The model's raw output of the last inference (logits or probabilities).
    pub fn output(&self) -> Vec<f32> {
        self.raw.scores.clone()
    }

    /// All class probabilities of the last inference (a `Float32Array` copy).
    pub fn probabilities(&self) -> Vec<f32> {
        self.probs.clone()
    }

    /// Per-operator times (JSON) of one run on the last preprocessed input, timed with
    /// `performance.now`.
    pub fn profile(&mut self) -> Result<String, JsValue> {
        let input = self.last_input("profile")?;
        // in the threads build with the pool's helpers awake, as `infer` runs
        #[cfg(feature = "threads")]
        let times = crate::warm_pool::run(self.tract_serial(), || {
            profile_with_js_clock(&self.inner, input)
        });
        #[cfg(not(feature = "threads"))]
        let times = profile_with_js_clock(&self.inner, input);
        let times = times.map_err(|e| js_error(Error::Inference(e)))?;
        Ok(serde_json::to_string(&times).expect("plain structs serialise"))
    }
}

/// The engine's profile timed with this thread's `performance.now`.
fn profile_with_js_clock(
    clf: &Classifier,
    input: &Input,
) -> Result<Vec<crate::engine::OpTime>, String> {
    let perf = js_sys::Reflect::get(&js_sys::global(), &"performance".into())
        .map_err(|_| "no performance object".to_string())?;
    let now_fn: js_sys::Function = js_sys::Reflect::get(&perf, &"now".into())
        .map_err(|_| "no performance.now".to_string())?
        .into();
    let now = || {
        now_fn
            .call0(&perf)
            .ok()
            .and_then(|v| v.as_f64())
            .unwrap_or(0.0)
    };
    clf.engine().profile(input, &now).map_err(|e| e.to_string())
}

impl WasmClassifier {
    /// Whether tract's own matrix products stay on the calling thread during a run
    /// (`warm_pool::run`): where our operators took all but the stem and the classifier.
    #[cfg(feature = "threads")]
    fn tract_serial(&self) -> bool {
        self.inner.engine().tract_products() <= 2
    }

    fn last_input(&self, step: &str) -> Result<&Input, JsValue> {
        self.input
            .as_ref()
            .ok_or_else(|| js_error(Error::Inference(format!("{step}() before preprocess()"))))
    }
}

fn parse_filter(json: &str) -> Result<Filter, JsValue> {
    serde_json::from_str(json).map_err(|e| js_error(Error::Options(e.to_string())))
}

/// Encoded image bytes (JPEG, PNG, WebP, GIF) -> `{width, height, data}` RGBA, for hosts
/// without a decoder of their own (Node).
#[wasm_bindgen(js_name = decodeImage)]
pub fn decode_image(bytes: &[u8]) -> Result<js_sys::Object, JsValue> {
    let img = crate::decode::decode_bytes("image", bytes).map_err(js_error)?;
    pixels_object(&img)
}

fn pixels_object(img: &crate::decode::DecodedImage) -> Result<js_sys::Object, JsValue> {
    let out = js_sys::Object::new();
    js_sys::Reflect::set(&out, &"width".into(), &img.width.into())?;
    js_sys::Reflect::set(&out, &"height".into(), &img.height.into())?;
    let data = js_sys::Uint8ClampedArray::from(&img.rgba[..]);
    js_sys::Reflect::set(&out, &"data".into(), &data)?;
    Ok(out)
}

/// Refuses a JPEG/PNG/WebP/GIF file that is cut short, naming `name`, before a browser or
/// Node's JPEG decoder sees it (they make up the missing part without an error: see
/// `decode::complete`).
/// Returns `{"format": "JPEG", "components": 3}` (components: JPEG only), or
/// `{"format": null}` for bytes of another kind, which this crate does not judge.
#[wasm_bindgen(js_name = checkImage)]
pub fn check_image(name: &str, bytes: &[u8]) -> Result<String, JsValue> {
    use crate::decode::sniff::{jpeg_header, Format};
    let Some(format) = Format::sniff(bytes) else {
        return Ok(r#"{"format":null}"#.into());
    };
    crate::decode::check_complete(name, bytes).map_err(js_error)?;
    let components = match format {
        Format::Jpeg => jpeg_header(bytes).and_then(|h| h.components),
        _ => None,
    };
    Ok(serde_json::json!({ "format": format.name(), "components": components }).to_string())
}

/// RGBA pixels another decoder made of `bytes` -> `{width, height, data}`, upright by the
/// file's EXIF orientation.
#[wasm_bindgen(js_name = orientImage)]
pub fn orient_image(
    name: &str,
    bytes: &[u8],
    rgba: Vec<u8>,
    width: u32,
    height: u32,
) -> Result<js_sys::Object, JsValue> {
    let img = crate::decode::DecodedImage {
        width,
        height,
        rgba,
    };
    let img = crate::decode::apply_orientation(name, bytes, img).map_err(js_error)?;
    pixels_object(&img)
}
