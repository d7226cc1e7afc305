// The TV board's media, an effect of the controller: the area on the right that plays the
// configured clips and images in turn ([display] media_area and media), and a clip or image an
// administrator plays now, full screen, once (B2). `played` records what started, for the tests
// and for support staff.
import { h, fill } from "../shared/dom.js";

const IMAGE_SECONDS = 10;

export function createMedia() {
  const media = { playlist: /** @type {string[]} */ ([]), index: 0, timer: /** @type {any} */ (0), played: /** @type {string[]} */ ([]) };

  /** Show this playlist in the area (none: no area); an unchanged list keeps playing.
   * @param {string[]} list @param {HTMLElement} body the element the area goes into */
  function show(list, body) {
    body.classList.toggle("with-media", list.length > 0);
    if (list.join("|") === media.playlist.join("|")) return;
    media.playlist = [...list];
    media.index = 0;
    clearTimeout(media.timer);
    document.getElementById("media")?.remove();
    if (list.length) {
      body.append(h("aside.media#media", { "aria-hidden": "true" }));
      play();
    }
  }

  function play() {
    const area = document.getElementById("media");
    if (!area || !media.playlist.length) return;
    const name = media.playlist[media.index % media.playlist.length];
    media.index += 1;
    const next = () => { clearTimeout(media.timer); play(); };
    if (name.endsWith(".mp4")) {
      const video = /** @type {HTMLVideoElement} */ (h("video", { src: `/media/${name}`, muted: true, autoplay: true, playsinline: true }));
      video.muted = true;
      video.addEventListener("playing", () => media.played.push(name), { once: true });
      video.addEventListener("ended", next);
      video.addEventListener("error", () => { media.timer = setTimeout(next, 2000); });
      fill(area, video);
      if (media.playlist.length === 1) video.loop = true;
    } else {
      const img = h("img", { src: `/media/${name}`, alt: "" });
      img.addEventListener("load", () => media.played.push(name), { once: true });
      fill(area, img);
      media.timer = setTimeout(next, IMAGE_SECONDS * 1000);
    }
  }

  /** Play one clip or image now, full screen, once. @param {string} name */
  function playNow(name) {
    document.getElementById("play-now")?.remove();
    const close = () => document.getElementById("play-now")?.remove();
    const item = name.endsWith(".mp4")
      ? h("video", { src: `/media/${name}`, autoplay: true, playsinline: true })
      : h("img", { src: `/media/${name}`, alt: "" });
    item.addEventListener(name.endsWith(".mp4") ? "playing" : "load", () => media.played.push(`now:${name}`), { once: true });
    if (name.endsWith(".mp4")) {
      item.addEventListener("ended", close);
      item.addEventListener("error", close);
    } else {
      setTimeout(close, IMAGE_SECONDS * 1000);
    }
    document.body.append(h("div.play-now#play-now", item));
  }

  return Object.assign(media, { show, playNow });
}
