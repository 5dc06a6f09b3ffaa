// Reading a card's QR code with the tablet's camera, loaded only when someone presses
// Camera. The browser's own BarcodeDetector where it exists (Chrome on Android and
// ChromeOS, Safari); elsewhere jsQR, a well-kept pure-JavaScript decoder, on frames
// drawn to a canvas a few times a second. Only the code ever leaves the tablet's memory.
import { useEffect, useRef, useState } from 'react';
import jsQR from 'jsqr';
import { z } from 'zod';
import { useTranslations } from 'use-intl';
import { tr } from '../i18n/store.ts';

const FRAME_MS = 200;
const Detected = z.array(z.object({ rawValue: z.string() }));

type Decode = (video: HTMLVideoElement, canvas: HTMLCanvasElement) => Promise<string | null>;

/** The native detector, if this browser has one for QR codes. */
function nativeDecoder(): Decode | null {
  const ctor: unknown = Reflect.get(globalThis, 'BarcodeDetector');
  if (typeof ctor !== 'function') return null;
  const detector: unknown = Reflect.construct(ctor, [{ formats: ['qr_code'] }]);
  const detect: unknown = typeof detector === 'object' && detector !== null ? Reflect.get(detector, 'detect') : undefined;
  if (typeof detect !== 'function') return null;
  return async (video) => {
    const found = Detected.safeParse(await Reflect.apply(detect, detector, [video]));
    return found.success ? (found.data[0]?.rawValue ?? null) : null;
  };
}

const jsqrDecoder: Decode = async (video, canvas) => {
  const w = video.videoWidth;
  const h = video.videoHeight;
  if (w === 0 || h === 0) return null;
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) return null;
  ctx.drawImage(video, 0, 0, w, h);
  const image = ctx.getImageData(0, 0, w, h);
  return jsQR(image.data, w, h, { inversionAttempts: 'dontInvert' })?.data ?? null;
};

export default function CameraScan({ onCode, onClose }: { onCode: (code: string) => void; onClose: () => void }) {
  const video = useRef<HTMLVideoElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const t = useTranslations();
  const done = useRef(onCode);
  done.current = onCode;

  useEffect(() => {
    let stream: MediaStream | null = null;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let stopped = false;
    const decode = nativeDecoder() ?? jsqrDecoder;
    const tick = async () => {
      const v = video.current;
      const c = canvas.current;
      if (stopped || !v || !c) return;
      const code = await decode(v, c).catch(() => null);
      if (stopped) return;
      if (code) done.current(code);
      else timer = setTimeout(() => void tick(), FRAME_MS);
    };
    (async () => {
      if (!navigator.mediaDevices?.getUserMedia) {
        setProblem(tr()('scan.noCameraHere'));
        return;
      }
      try {
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
      } catch {
        setProblem(tr()('scan.noCamera'));
        return;
      }
      if (stopped || !video.current) {
        stream.getTracks().forEach((t) => t.stop());
        return;
      }
      video.current.srcObject = stream;
      await video.current.play().catch(() => undefined);
      void tick();
    })();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      stream?.getTracks().forEach((t) => t.stop());
    };
  }, []);

  return (
    <div className="scan-camera">
      {problem ? (
        <p className="scan-camera-note" role="alert">
          {problem}{' '}
          <button type="button" className="btn" onClick={onClose}>
            {t('common.close')}
          </button>
        </p>
      ) : (
        <>
          <video ref={video} className="scan-video" muted playsInline aria-label={t('scan.cameraLabel')} />
          <canvas ref={canvas} hidden />
        </>
      )}
    </div>
  );
}
