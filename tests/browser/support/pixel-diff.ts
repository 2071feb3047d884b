import type { Page } from 'playwright-core';

export interface PixelDiff {
  /** Sizes of the two images, `width×height`. */
  sizes: [string, string];
  /** Pixels that differ, counting every pixel only one image covers. */
  differing: number;
  /** `differing` over the pixels of the two images' union. */
  ratio: number;
}

/**
 * Compares two PNG screenshots pixel by pixel, aligned at their top-left corners. The page's canvas
 * decodes them, so no PNG library is needed. A pixel differs when a channel differs by more than `tolerance`.
 */
export function pixelDiff(page: Page, a: Buffer, b: Buffer, tolerance = 32): Promise<PixelDiff> {
  return page.evaluate(
    async ({ images, tolerance }) => {
      const decoded = await Promise.all(
        images.map(async (base64) => {
          const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
          const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
          const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
          const context = canvas.getContext('2d')!;
          context.drawImage(bitmap, 0, 0);
          return context.getImageData(0, 0, bitmap.width, bitmap.height);
        }),
      );
      const [first, second] = decoded as [ImageData, ImageData];
      const width = Math.min(first.width, second.width);
      const height = Math.min(first.height, second.height);
      const union = first.width * first.height + second.width * second.height - width * height;
      let differing = union - width * height;
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          const i = (y * first.width + x) * 4;
          const j = (y * second.width + x) * 4;
          for (let channel = 0; channel < 4; channel++) {
            if (Math.abs(first.data[i + channel]! - second.data[j + channel]!) > tolerance) {
              differing++;
              break;
            }
          }
        }
      }
      return {
        sizes: [`${first.width}×${first.height}`, `${second.width}×${second.height}`] as [string, string],
        differing,
        ratio: union === 0 ? 0 : differing / union,
      };
    },
    { images: [a.toString('base64'), b.toString('base64')], tolerance },
  );
}
