import { chromium, type Browser, type BrowserContext } from 'playwright-core';

/** Flags every test browser gets: headless Debian Chromium on a closed network (see ../shared/P2P.md). */
export const BASE_FLAGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Keeps WebRTC on 127.0.0.1 inside the test's loopback-only namespace. */
export const LOOPBACK_WEBRTC_FLAGS = ['--allow-loopback-in-peer-connection'];

/** A software WebGPU adapter (SwiftShader); slow, for exercising code paths only. */
export const SOFTWARE_WEBGPU_FLAGS = ['--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader', '--enable-features=Vulkan'];

export interface LaunchOptions {
  webrtc?: boolean;
  webgpu?: boolean;
  extraArgs?: string[];
}

export async function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  const args = [...BASE_FLAGS];
  if (options.webrtc) args.push(...LOOPBACK_WEBRTC_FLAGS);
  if (options.webgpu) {
    // --disable-gpu removes the adapter SwiftShader would provide.
    args.splice(args.indexOf('--disable-gpu'), 1);
    args.push(...SOFTWARE_WEBGPU_FLAGS);
  }
  args.push(...(options.extraArgs ?? []));
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args });
}

/** A fresh context; WebRTC pages need a granted media permission to gather loopback candidates. */
export async function newContext(browser: Browser, options: { webrtc?: boolean } = {}): Promise<BrowserContext> {
  return browser.newContext(options.webrtc ? { permissions: ['microphone'] } : {});
}
