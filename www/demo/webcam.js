// Webcam mode: classify frames back to back, show frames per second; stop releases the camera.

export class Webcam {
  #stream = null;
  #running = false;

  constructor(video, onFrame, onFps) {
    this.video = video;
    this.onFrame = onFrame;
    this.onFps = onFps;
  }

  get running() {
    return this.#running;
  }

  async start() {
    if (!navigator.mediaDevices?.getUserMedia) throw new Error('this browser offers no camera access (getUserMedia)');
    this.#stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
    this.video.srcObject = this.#stream;
    this.video.hidden = false;
    await this.video.play();
    this.#running = true;
    this.#loop();
  }

  async #loop() {
    let frames = 0;
    let since = performance.now();
    while (this.#running) {
      await this.onFrame(this.video);
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
    this.#running = false;
    for (const t of this.#stream?.getTracks() ?? []) t.stop();
    this.#stream = null;
    this.video.srcObject = null;
    this.video.hidden = true;
    this.onFps(null);
  }
}
