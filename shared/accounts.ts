// The account part of the protocol: request bodies and answers of sign-in, users,
// device pairing and API tokens (zod, so client and server read them alike).
import { z } from 'zod';
import { Limits, Role } from './names.ts';
import { nameText } from './text.ts';

export const RoleSchema = z.enum([Role.ADMIN, Role.LEAD, Role.OPERATOR, Role.VIEWER]);
const Username = z.string().trim().min(1).max(Limits.USERNAME).regex(/^[\p{L}\p{N}._@-]+$/u, 'letters, digits and . _ @ - only');
const Password = z.string().min(Limits.PASSWORD_MIN).max(Limits.PASSWORD_MAX);
const Badge = z.string().trim().min(1).max(Limits.BADGE);
const Pin = z.string().regex(/^\d{4,8}$/, '4 to 8 digits');
const StationIds = z.array(z.string().max(Limits.ID)).max(Limits.MAX_STATIONS_PER_ACCOUNT);
const DeviceName = nameText(Limits.NAME);

export const LoginBody = z.strictObject({ username: z.string().max(Limits.USERNAME), password: z.string().max(Limits.PASSWORD_MAX) });
export const BadgeBody = z.strictObject({ badge: Badge, pin: z.string().max(8).optional() });
export const SetupBody = z.strictObject({ token: z.string().max(200), username: Username, password: Password });

export const CreateUserBody = z.strictObject({
  username: Username,
  password: Password.optional(),
  badge: Badge.optional(),
  pin: Pin.optional(),
  role: RoleSchema,
  stationIds: StationIds.optional(),
});
export const UpdateUserBody = z.strictObject({
  role: RoleSchema.optional(),
  stationIds: StationIds.optional(),
  password: Password.optional(),
  badge: Badge.nullable().optional(),
  pin: Pin.nullable().optional(),
  disabled: z.boolean().optional(),
});

/** Roles a device can be paired as: a TV shows, a station tablet works at its stations. */
const DeviceRoleSchema = z.enum([Role.VIEWER, Role.OPERATOR]);
export const ApprovePairingBody = z.strictObject({
  code: z.string().trim().min(1).max(20),
  name: DeviceName,
  role: DeviceRoleSchema,
  stationIds: StationIds.optional(),
});
export const CreateTokenBody = z.strictObject({
  name: DeviceName,
  role: RoleSchema,
  stationIds: StationIds.optional(),
});

export const PublicUserSchema = z.object({
  id: z.string(),
  username: z.string(),
  role: RoleSchema,
  stationIds: z.array(z.string()),
  disabled: z.boolean(),
  hasBadge: z.boolean(),
  hasPassword: z.boolean(),
});
export type PublicUser = z.infer<typeof PublicUserSchema>;

/** A paired device as the API shows it (never its token). */
export const PublicDeviceSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: RoleSchema,
  stationIds: z.array(z.string()),
  createdAt: z.string(),
  createdBy: z.string(),
  lastSeenAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type PublicDevice = z.infer<typeof PublicDeviceSchema>;

/** An API token as GET /tokens lists it (never the token). */
export const TokenInfoSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: RoleSchema,
  stationIds: z.array(z.string()),
  createdAt: z.string(),
  createdBy: z.string(),
  lastUsedAt: z.string().nullable(),
});
export type TokenInfo = z.infer<typeof TokenInfoSchema>;

/** Who the caller is (GET /auth/me): a user, a paired device or an API token. */
export const MeSchema = z.object({
  kind: z.enum(['user', 'device', 'token']),
  id: z.string(),
  name: z.string(),
  role: RoleSchema,
  stationIds: z.array(z.string()),
  user: PublicUserSchema.nullable(),
});
export type Me = z.infer<typeof MeSchema>;

/** Before anyone signs in (GET /auth/status): does the server wait for its first admin? */
export const AuthStatusSchema = z.object({
  setupRequired: z.boolean(),
  badgePin: z.boolean(),
  badgeIdleMinutes: z.number(),
});
export type AuthStatus = z.infer<typeof AuthStatusSchema>;
