//! The classifier's binding: a model, its last preprocessed input and its last outputs, stepped
//! through from JS (preprocess, infer, then categories or embedding).

use wasm_bindgen::prelude::*;

use super::js_error;
use crate::classifier::Classifier;
use crate::embedding::{EmbedOptions, Embedding};
use crate::engine::Outputs;
use crate::error::Error;
use crate::kernels::KernelChoice;
use crate::manifest::ModelEntry;
use crate::pixels::Rgba;
use crate::postprocess::Filter;
use crate::preprocess::Input;

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
    /// (www/src/shared/model-session.js) before they get here. `kernels`: which of our
    /// kernels the model runs, JSON `{gemm, dwconv, pointwise}` (each true: ours, false:
    /// tract's; one left out, or no argument: this build's default), for the benchmark's A/B.
    #[wasm_bindgen(constructor)]
    pub fn new(
        entry: &str,
        model: &[u8],
        kernels: Option<String>,
    ) -> Result<WasmClassifier, JsValue> {
        let entry = ModelEntry::from_json(entry).map_err(js_error)?;
        let kernels = match kernels {
            Some(json) => serde_json::from_str(&json)
                .map_err(|e| js_error(Error::Options(format!("kernels: {e}"))))?,
            None => KernelChoice::default(),
        };
        let inner = Classifier::with_kernels(entry, model, &kernels).map_err(js_error)?;
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
        super::trap::fire_if_armed();
        #[cfg(feature = "threads")]
        let raw = super::warm_pool::run(self.tract_serial(), || self.inner.run(input));
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
        let times = super::warm_pool::run(self.tract_serial(), || {
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
