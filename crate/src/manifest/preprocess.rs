//! A model's preprocessing contract: how pixels become its input. The resize mode carries its
//! own parameter, so a mode without it (or with the other mode's) cannot be represented; the
//! JSON stays flat (`"resize": "shortSideThenCenterCrop", "cropPct": 0.875`), read through
//! [`Wire`].

use serde::{Deserialize, Serialize};

use super::{ChannelOrder, Interpolation};

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(try_from = "Wire", into = "Wire")]
pub struct Preprocess {
    pub size: u32,
    pub resize: Resize,
    pub interpolation: Interpolation,
    /// Pixels are scaled from 0..255 to 0..valueRange before mean and std apply.
    pub value_range: f32,
    pub mean: [f32; 3],
    pub std: [f32; 3],
    pub channel_order: ChannelOrder,
}

/// How the image becomes the model's `size` x `size` square.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Resize {
    /// timm/torchvision eval: short side to floor(size / crop_pct), then a centred size x size
    /// crop. `crop_pct` is in (0, 1].
    ShortSideThenCenterCrop { crop_pct: f64 },
    /// TF EfficientNet eval's crop: a centred square of side size / (size + crop_padding) x the
    /// short side, resized to size x size with Pillow's antialiased filter (not TF's
    /// `resize_bicubic`, which has no antialiasing: models/README.md). TF's CROP_PADDING is 32.
    CenterCropThenResize { crop_padding: u32 },
}

impl Preprocess {
    /// The short side the resize works from, the one rule both decode paths and the resize
    /// share: shortSideThenCenterCrop resizes the short side to floor(size / cropPct) (timm's
    /// scale_size, 256 for Lite0); centerCropThenResize crops exactly `size` from a short side
    /// of size + cropPadding. A decoder that keeps the short side at least this keeps the
    /// resize a downscale.
    pub fn min_short_side(&self) -> u32 {
        match self.resize {
            Resize::ShortSideThenCenterCrop { crop_pct } => {
                (self.size as f64 / crop_pct).floor() as u32
            }
            Resize::CenterCropThenResize { crop_padding } => self.size + crop_padding,
        }
    }
}

/// The JSON form. Each mode's parameter is optional here and required by the conversion;
/// `null` counts as absent, as in www/src/shared/model-entry.js.
#[derive(Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
struct Wire {
    size: u32,
    resize: ResizeName,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    crop_pct: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    crop_padding: Option<u32>,
    interpolation: Interpolation,
    value_range: f32,
    mean: [f32; 3],
    std: [f32; 3],
    channel_order: ChannelOrder,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
enum ResizeName {
    ShortSideThenCenterCrop,
    CenterCropThenResize,
}

/// Messages start with `.` and the field: `from_json_located` puts the path
/// (`preprocess`) in front, so they read `preprocess.cropPct is missing: ...`.
impl TryFrom<Wire> for Preprocess {
    type Error = String;

    fn try_from(w: Wire) -> Result<Self, String> {
        let mode = match w.resize {
            ResizeName::ShortSideThenCenterCrop => "shortSideThenCenterCrop",
            ResizeName::CenterCropThenResize => "centerCropThenResize",
        };
        let absent = |field: &str, given: bool| match given {
            true => Err(format!(".{field} must be absent with resize {mode}")),
            false => Ok(()),
        };
        let missing = |field: &str| format!(".{field} is missing: resize {mode} needs {field}");
        let resize = match w.resize {
            ResizeName::ShortSideThenCenterCrop => {
                let crop_pct = w.crop_pct.ok_or_else(|| missing("cropPct"))?;
                absent("cropPadding", w.crop_padding.is_some())?;
                if crop_pct.is_nan() || crop_pct <= 0.0 || crop_pct > 1.0 {
                    return Err(format!(".cropPct must be in (0, 1], got {crop_pct}"));
                }
                Resize::ShortSideThenCenterCrop { crop_pct }
            }
            ResizeName::CenterCropThenResize => {
                let crop_padding = w.crop_padding.ok_or_else(|| missing("cropPadding"))?;
                absent("cropPct", w.crop_pct.is_some())?;
                Resize::CenterCropThenResize { crop_padding }
            }
        };
        Ok(Self {
            size: w.size,
            resize,
            interpolation: w.interpolation,
            value_range: w.value_range,
            mean: w.mean,
            std: w.std,
            channel_order: w.channel_order,
        })
    }
}

impl From<Preprocess> for Wire {
    fn from(p: Preprocess) -> Self {
        let (resize, crop_pct, crop_padding) = match p.resize {
            Resize::ShortSideThenCenterCrop { crop_pct } => {
                (ResizeName::ShortSideThenCenterCrop, Some(crop_pct), None)
            }
            Resize::CenterCropThenResize { crop_padding } => {
                (ResizeName::CenterCropThenResize, None, Some(crop_padding))
            }
        };
        Self {
            size: p.size,
            resize,
            crop_pct,
            crop_padding,
            interpolation: p.interpolation,
            value_range: p.value_range,
            mean: p.mean,
            std: p.std,
            channel_order: p.channel_order,
        }
    }
}
