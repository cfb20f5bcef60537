// Webcam mode: classify frames back to back, show frames per second; stop releases the camera.

export class Webcam {
  #stream = null;

  constructor(video, onFrame, onFps) {
    this.video = video;
    this.onFrame = onFrame;
    this.onFps = onFps;
  }

  get running() {
    return this.#stream !== null;
  }

  async start() {
    if (!navigator.mediaDevices?.getUserMedia) throw new Error('this browser offers no camera access (getUserMedia)');
    const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
    this.video.srcObject = stream;
    this.video.hidden = false;
    try {
      await this.video.play();
    } catch (e) {
      this.#release(stream);
      throw e;
    }
    this.#stream = stream;
    this.#loop(stream);
  }

  /** One frame at a time, the next as soon as the last is shown: as fast as the classifier goes. */
  async #loop(stream) {
    let frames = 0;
    let since = performance.now();
    for (;;) {
      await this.onFrame(this.video);
      // stopped, or stopped and started again, meanwhile: that start runs its own loop
      if (this.#stream !== stream) return;
      frames++;
      const now = performance.now();
      if (now - since >= 1000) {
        this.onFps((frames * 1000) / (now - since));
        frames = 0;
        since = now;
      }
    }
  }

  stop() {
    this.#release(this.#stream);
    this.#stream = null;
    this.onFps(null);
  }

  #release(stream) {
    for (const t of stream?.getTracks() ?? []) t.stop();
    this.video.srcObject = null;
    this.video.hidden = true;
  }
}
