import { z } from 'zod';

/** A callback URL as the admin and progress APIs take it: absolute http(s), at most 2,000 characters. */
export const callbackUrlSchema = z
  .string()
  .max(2000)
  .refine((raw) => {
    try {
      const url = new URL(raw);
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.username === '' && url.password === '';
    } catch {
      return false;
    }
  }, 'must be an absolute http:// or https:// URL without credentials in it');
