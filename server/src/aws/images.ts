/**
 * Finds the image a workstation boots from (DESIGN, "Launch", step 3): the
 * template's SSM public parameter for the arch first, else DescribeImages by
 * owner, name and architecture, newest first. Answers are cached for a while.
 */
import { DescribeImagesCommand, paginateDescribeImages, type Image } from '@aws-sdk/client-ec2';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import type { Arch } from '../contract/events';
import { PrismError } from '../domain/errors';
import type { ImageInfo } from '../domain/ports';
import type { ImageSource } from '../domain/template';
import type { Logger } from '../logger';
import type { AwsClients } from './clients';
import { awsCall } from './errors';
import { TtlCache } from './ttl-cache';

const IMAGE_CACHE_TTL_MS = 10 * 60 * 1000;
const DEFAULT_ROOT_DEVICE = '/dev/xvda';

export interface ImageDetails extends ImageInfo {
  rootDeviceName: string;
}

export interface ImageResolver {
  resolve(source: ImageSource, arch: Arch): Promise<ImageInfo>;
  /** One image's details, by id (for its root device when launching). */
  describe(imageId: string): Promise<ImageDetails>;
}

/** `cache` false (PRISM_CLOUD_CACHE_OFF, a benchmark baseline): every launch asks again. */
export function createImageResolver(clients: AwsClients, logger: Logger, cache = true): ImageResolver {
  const resolved = new TtlCache<ImageInfo>(cache ? IMAGE_CACHE_TTL_MS : 0);
  const described = new TtlCache<ImageDetails>(cache ? IMAGE_CACHE_TTL_MS : 0);

  const describe = (imageId: string): Promise<ImageDetails> =>
    described.get(imageId, () => describeImage(clients, imageId));

  async function fromParameter(parameter: string, arch: Arch): Promise<ImageInfo> {
    const answer = await awsCall('ssm:GetParameter', async () => {
      try {
        return await clients.ssm.send(new GetParameterCommand({ Name: parameter }));
      } catch (error) {
        if ((error as Error).name === 'ParameterNotFound') {
          throw imageNotFound(`There is no SSM parameter '${parameter}' in this region.`);
        }
        throw error;
      }
    });
    const imageId = answer.Parameter?.Value;
    if (!imageId) throw imageNotFound(`The SSM parameter '${parameter}' holds no image id.`);
    const image = await describe(imageId);
    if (image.arch !== arch) {
      throw new PrismError(
        'IMAGE_ARCH_MISMATCH',
        400,
        'Image is for another architecture',
        `The SSM parameter '${parameter}' names ${imageId}, an ${image.arch} image, for ${arch}.`,
        `Point the template's ${arch} image at a parameter for ${arch} images.`
      );
    }
    return { imageId: image.imageId, arch: image.arch, name: image.name };
  }

  async function resolve(source: ImageSource, arch: Arch): Promise<ImageInfo> {
    const canSearch = source.owner !== undefined && source.namePattern !== undefined;
    if (source.ssmParameter !== undefined) {
      try {
        return await fromParameter(source.ssmParameter, arch);
      } catch (error) {
        if (!canSearch) throw error;
        logger.warn(
          { parameter: source.ssmParameter, code: (error as PrismError).code },
          'image parameter unusable, searching images by name instead'
        );
      }
    }
    if (!canSearch) {
      throw imageNotFound(`The template names no image for ${arch}.`);
    }
    return newestImage(clients, source.owner as string, source.namePattern as string, arch);
  }

  return {
    resolve: (source, arch) => resolved.get(JSON.stringify([source, arch]), () => resolve(source, arch)),
    describe
  };
}

async function describeImage(clients: AwsClients, imageId: string): Promise<ImageDetails> {
  const answer = await awsCall('ec2:DescribeImages', () =>
    clients.ec2.send(new DescribeImagesCommand({ ImageIds: [imageId] }))
  );
  const image = answer.Images?.[0];
  const details = image && toImageDetails(image);
  if (!details) throw imageNotFound(`AWS knows no usable image ${imageId} in this region.`);
  return details;
}

async function newestImage(clients: AwsClients, owner: string, namePattern: string, arch: Arch): Promise<ImageInfo> {
  let newest: Image | undefined;
  await awsCall('ec2:DescribeImages', async () => {
    const pages = paginateDescribeImages(
      { client: clients.ec2 },
      {
        Owners: [owner],
        Filters: [
          { Name: 'name', Values: [namePattern] },
          { Name: 'architecture', Values: [arch] },
          { Name: 'state', Values: ['available'] }
        ]
      }
    );
    for await (const page of pages) {
      for (const image of page.Images ?? []) {
        if (newest === undefined || (image.CreationDate ?? '') > (newest.CreationDate ?? '')) newest = image;
      }
    }
  });
  const details = newest && toImageDetails(newest);
  if (!details) {
    throw imageNotFound(`No ${arch} image owned by ${owner} matches '${namePattern}' in this region.`);
  }
  return { imageId: details.imageId, arch: details.arch, name: details.name };
}

function toImageDetails(image: Image): ImageDetails | undefined {
  const arch = image.Architecture;
  if (!image.ImageId || (arch !== 'arm64' && arch !== 'x86_64')) return undefined;
  return {
    imageId: image.ImageId,
    arch,
    name: image.Name ?? image.ImageId,
    rootDeviceName: image.RootDeviceName ?? DEFAULT_ROOT_DEVICE
  };
}

function imageNotFound(detail: string): PrismError {
  return new PrismError(
    'IMAGE_NOT_FOUND',
    404,
    'Image not found',
    detail,
    "Check the template's image (SSM parameter, or owner and name pattern) for this region and architecture."
  );
}
